#!/usr/bin/env node
// `npm test`: everything CI checks, in order, failing fast: types, lint (with the layer
// rules), unit tests, the web build, end-to-end tests in Chromium. Ends with one line
// "tests: N passed, N failed, N skipped" summed over both test runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Not test-results/: Playwright empties that folder when it starts.
const reports = join(root, 'out', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function step(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${title}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return r.status === 0;
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const unitJson = join(reports, 'unit.json');
const e2eJson = join(reports, 'e2e.json');

const results = [];
const run = (ok) => {
  results.push(ok);
  return ok;
};

const checks =
  run(step('types', 'npm', ['run', '--silent', 'typecheck'])) &&
  run(step('lint', bin('eslint'), ['.', '--max-warnings=0']));
const unit = checks && run(step('unit tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${unitJson}`]));
const built = checks && run(step('web build', 'npm', ['run', '--silent', 'build:web']));
const e2e = built && run(step('end-to-end tests', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson }));

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(unitJson)) {
  const u = JSON.parse(readFileSync(unitJson, 'utf8'));
  passed += u.numPassedTests;
  failed += u.numFailedTests;
  skipped += u.numPendingTests + u.numTodoTests;
}
if (existsSync(e2eJson)) {
  const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
}
const ok = checks && unit && built && e2e && results.every(Boolean);
if (!ok && failed === 0) failed = 1; // a failed type check or build counts as a failure
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
