// Every gradient rule against central finite differences of the forward model, both run in
// onnxruntime. The cases are the tables in ./rule-cases (every module there that exports
// `cases`, found by file name, so a new table needs no edit here); a rule in `gradRules`
// without a case fails the test.
/// <reference types="vite/client" />
import { afterAll, describe, expect, it } from 'vitest';
import { checkCase, releaseSessions } from '../../test-support/grad-rule-check.js';
import type { GradCase } from './rule-cases/case.js';
import { gradRules } from './rules/index.js';

const tables = import.meta.glob<{ cases?: GradCase[] }>('./rule-cases/*.ts', { eager: true });
const CASES = Object.values(tables).flatMap((m) => m.cases ?? []);

afterAll(releaseSessions);

describe('gradient rules against finite differences', () => {
  it('every registered rule has a case', () => {
    const tested = new Set(CASES.map((c) => c.op));
    const missing = [...gradRules.keys()].filter((op) => !tested.has(op));
    expect(missing, 'rules without a test case').toEqual([]);
    const unknown = [...tested].filter((op) => !gradRules.has(op));
    expect(unknown, 'cases for ops without a rule').toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.op}: ${c.name} (opset ${c.opset ?? 17})`, async () => {
      await checkCase(c);
    });
  }
});
