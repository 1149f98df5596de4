import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { SCREENSHOTS_DIR } from './paths.js';

/**
 * A full-page screenshot of one page state: kept with the test's artifacts, attached to the
 * report, and copied to test-results/screenshots/ so a human finds them all in one place.
 * `name` is `NN-state`, numbered in the order the states occur. A modal is better shot without
 * `fullPage`: its fixed backdrop covers the viewport only.
 */
export async function snap(page: Page, testInfo: TestInfo, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  // From the top: a full-page capture of a scrolled page draws the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  copyFileSync(file, path.join(SCREENSHOTS_DIR, path.basename(file)));
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}
