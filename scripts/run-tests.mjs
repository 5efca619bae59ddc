// Runs the unit tests (Node) and the end-to-end tests (headless Chromium), both always, and ends with
// one plain line "N passed, N failed" counted from vitest's JSON reports. Exit code 1 if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const runs = [
  { name: 'unit', args: [] },
  { name: 'e2e', args: ['-c', 'vitest.e2e.config.ts'] },
];
mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
for (const run of runs) {
  const report = `test-results/${run.name}.json`;
  rmSync(report, { force: true });
  const result = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', ...run.args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { stdio: 'inherit' },
  );
  if (!existsSync(report)) {
    console.error(`${run.name} tests did not finish (exit ${result.status}, signal ${result.signal})`);
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  if (r.numTotalTests === 0) {
    console.error(`${run.name}: no test ran`);
    failed++;
  } else if (result.status !== 0 && r.numFailedTests === 0) {
    console.error(`${run.name}: vitest exited with ${result.status} (a suite failed to load or a hook failed)`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed ? 1 : 0);
