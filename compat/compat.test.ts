// The README's compatibility table is what the harness finds, not what someone typed: this
// runs the quick rows (all of them with GRAFT_COMPAT=1) and compares each with its line in
// README.md. `npm run compat` rewrites the table after a change.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonMissing, runHarness } from './harness.js';
import { ROWS, rowsToRun } from './rows.js';
import { HEADER, readmeTable, tableLine } from './table.js';

const missing = pythonMissing();
if (missing) console.log(`compat table test skipped: ${missing}`);
const all = process.env.GRAFT_COMPAT === '1';
const work = mkdtempSync(join(tmpdir(), 'graft-compat-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(missing !== null)(`the README's compatibility table (${all ? 'every row' : 'quick rows; GRAFT_COMPAT=1 runs all'})`, () => {
  it('matches what opening, training, exporting and the gradient check find, row by row', async () => {
    const table = readmeTable(readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8'));
    expect(table, 'README.md lacks the compat:start / compat:end markers').not.toBeNull();
    expect(table!.slice(0, HEADER.length)).toEqual(HEADER);
    expect(table!.length - HEADER.length, 'one README line per row of compat/rows.ts').toBe(ROWS.length);
    const results = await runHarness(rowsToRun(all), work);
    for (const r of results) {
      const i = ROWS.findIndex((row) => row.id === r.id);
      expect(table![HEADER.length + i], `row "${r.id}" differs from this run: \`npm run compat\` rewrites the table`).toBe(tableLine(ROWS[i], r));
    }
  }, 900_000);
});
