import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where every run keeps its own output (git-ignored). */
export const RUNS_DIR = path.join(ROOT, 'test-results', 'e2e-runs');

/**
 * This run's id. The runner sets it when it loads the config; its workers inherit it. Other
 * people may run the suite in the same checkout at the same time, and Playwright empties the
 * output directory when a run starts: a directory per run keeps their artifacts and signed-in
 * states apart.
 */
export const RUN_ID = (process.env.E2E_RUN_ID ||= `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);

/** Playwright's output directory for this run: per-test artifacts (traces, failure screenshots). */
export const OUTPUT_DIR = path.join(RUNS_DIR, RUN_ID);

/** The signed-in browser state `auth.setup.ts` saves and the `chromium` project starts from. */
export const AUTH_FILE = path.join(OUTPUT_DIR, '.auth', 'user.json');

/** Everything the gateway printed during the run (the log audit reads it). */
export const GATEWAY_LOG = path.join(OUTPUT_DIR, 'gateway.log');

/** Copies of every page-state screenshot of the latest runs, in one place for a human to look through. */
export const SCREENSHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots');
