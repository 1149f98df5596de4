#!/usr/bin/env node
// `pnpm test`: the whole suite, in one command, on a fresh machine.
//   1. unit, component and integration tests (Vitest, every workspace project) on the embedded PGlite;
//   2. the gateway's database-backed tests again on PostgreSQL when TEST_DATABASE_URL is set (CI sets it);
//   3. the secret audit: no test key, password or token in any log line the suite produced;
//   4. Playwright end-to-end tests in Debian's Chromium (scripts/e2e.mjs installs it when missing).
// Vitest's and Playwright's own summaries are not what CI reads, so this prints one closing line:
// "N passed, N failed, N skipped".
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildWhatIsMissing, run, runPnpm } from './lib.mjs';
import { auditSuiteLogs } from './audit-logs.mjs';

const TMP = path.join(ROOT, '.tmp');
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function countVitest(file, label) {
  if (!existsSync(file)) {
    totals.failed += 1;
    failures.push(`${label}: no results (the run crashed)`);
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  if (report.numFailedTests > 0) failures.push(`${label}: ${report.numFailedTests} failed`);
  // A file that failed to load has no tests to count: count it as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      totals.failed += 1;
      failures.push(`${label}: ${path.relative(ROOT, suite.name)} did not load`);
    }
  }
}

async function vitest(label, outputFile, args, env = {}) {
  rmSync(outputFile, { force: true });
  console.log(`\n▶ ${label}`);
  await runPnpm(['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${outputFile}`, ...args], {
    env: { ...process.env, ...env },
  });
  countVitest(outputFile, label);
}

mkdirSync(TMP, { recursive: true });
rmSync(path.join(TMP, 'suite-logs'), { recursive: true, force: true });

try {
  await buildWhatIsMissing();
} catch (error) {
  console.error(error.message);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

const { TEST_DATABASE_URL, ...envWithoutDatabase } = process.env;
await vitest('Vitest: every project, gateway on embedded PGlite', path.join(TMP, 'vitest-pglite.json'), [], { ...envWithoutDatabase, TEST_DATABASE_URL: '' });
if (TEST_DATABASE_URL) {
  await vitest('Vitest: gateway on PostgreSQL', path.join(TMP, 'vitest-postgres.json'), ['--project', 'gateway'], { TEST_DATABASE_URL });
}

console.log('\n▶ Secret audit of every log line the suite produced');
const audit = auditSuiteLogs(path.join(TMP, 'suite-logs'));
if (audit.ok) {
  totals.passed += 1;
  console.log(`  ✓ ${audit.lines} log lines from ${audit.files} gateway runs: no secret found`);
} else {
  totals.failed += 1;
  failures.push('secret audit');
  for (const finding of audit.findings.slice(0, 20)) console.log(`  ✗ ${finding}`);
}

if (existsSync(path.join(ROOT, 'scripts/e2e.mjs'))) {
  const e2eResults = path.join(TMP, 'playwright.json');
  rmSync(e2eResults, { force: true });
  console.log('\n▶ Playwright end-to-end tests in Chromium');
  const code = await run(process.execPath, [path.join(ROOT, 'scripts/e2e.mjs')], { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eResults } });
  if (existsSync(e2eResults)) {
    const stats = JSON.parse(readFileSync(e2eResults, 'utf8')).stats;
    totals.passed += stats.expected;
    totals.failed += stats.unexpected + (stats.flaky ?? 0);
    totals.skipped += stats.skipped;
    if (stats.unexpected > 0) failures.push(`Playwright: ${stats.unexpected} failed`);
  }
  if (code !== 0 && !failures.some((failure) => failure.startsWith('Playwright'))) {
    totals.failed += 1;
    failures.push(`Playwright: exited with ${code}`);
  }
}

console.log('');
if (failures.length > 0) console.log(`failures: ${failures.join('; ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
