import { defineConfig, devices } from '@playwright/test';
import { AUTH_FILE, OUTPUT_DIR } from './e2e/support/paths.js';

/**
 * End-to-end tests of the settings SPA in Debian's Chromium (`node scripts/e2e.mjs` installs it),
 * against the built gateway in front of the provider stand-ins. `e2e/global-setup.ts` starts both
 * on free ports with a fresh database and hands their URLs to the tests through `process.env`
 * (workers inherit it, and re-read this file with it set, so `baseURL` below is the gateway).
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: OUTPUT_DIR,
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Two cores: one browser at a time keeps the gateway, the stand-ins and Chromium responsive.
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_500 },
  reporter: [
    ['list'],
    // scripts/test.mjs sets PLAYWRIGHT_JSON_OUTPUT_NAME and reads the stats from it.
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME || `${OUTPUT_DIR}/results.json` }],
  ],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: process.env.E2E_BASE_URL,
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts$/ },
    {
      name: 'chromium',
      testMatch: /\.spec\.ts$/,
      dependencies: ['setup'],
      use: { storageState: AUTH_FILE },
    },
    // Runs last: reads every line the gateway logged while the browser tests ran.
    { name: 'log-audit', testMatch: /gateway-log\.audit\.ts$/, dependencies: ['chromium'] },
  ],
});
