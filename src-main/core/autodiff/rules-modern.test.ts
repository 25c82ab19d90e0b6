// The rules of modern networks against central finite differences (the shared harness in
// test-support/grad-check.ts); the cases are in rules-modern.cases.ts.
import { afterAll, describe, it } from 'vitest';
import { checkCase, releaseSessions } from '../../test-support/grad-check.js';
import { MODERN_CASES } from './rules-modern.cases.js';

afterAll(releaseSessions);

describe('gradient rules of modern networks against finite differences', () => {
  for (const c of MODERN_CASES) {
    it(`${c.op}: ${c.name} (opset ${c.opset ?? 17})`, async () => {
      await checkCase(c);
    });
  }
});
