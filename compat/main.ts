// `npm run compat`: runs every row of the compatibility table (about 10 minutes on 2 cores)
// and writes the table into README.md. `npm run compat -- --quick` runs the rows the unit
// test runs and leaves the slow rows' lines as they are.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonMissing, runHarness } from './harness.js';
import { ROWS, rowsToRun } from './rows.js';
import { HEADER, readmeTable, tableLine, withTable } from './table.js';

const README = join(import.meta.dirname, '..', 'README.md');

async function main(): Promise<number> {
  const missing = pythonMissing();
  if (missing) {
    console.error(`compat: cannot run: ${missing}`);
    return 1;
  }
  const quick = process.argv.includes('--quick');
  const rows = rowsToRun(!quick);
  const work = mkdtempSync(join(tmpdir(), 'graft-compat-'));
  try {
    const results = await runHarness(rows, work, (r) => {
      const row = ROWS.find((x) => x.id === r.id)!;
      console.log(tableLine(row, r));
    });
    const readme = readFileSync(README, 'utf8');
    const old = readmeTable(readme)?.slice(HEADER.length) ?? [];
    const lines = ROWS.map((row) => {
      const r = results.find((x) => x.id === row.id);
      const start = `| ${row.family} | ${row.exporter} |`;
      return r ? tableLine(row, r) : (old.find((l) => l.startsWith(start)) ?? `${start} not run yet | | | | | | |`);
    });
    writeFileSync(README, withTable(readme, [...HEADER, ...lines]));
    console.log(`README.md: ${results.length} of ${ROWS.length} rows written`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
