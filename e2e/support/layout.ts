import { expect, type Page } from '@playwright/test';

/** Nothing wider than the viewport: a phone user never scrolls the page sideways (wide tables scroll inside their card). */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    viewport: window.innerWidth,
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
  }));
  expect(widths.document, `the page is ${widths.document}px wide in a ${widths.viewport}px viewport`).toBeLessThanOrEqual(widths.viewport);
  expect(widths.body).toBeLessThanOrEqual(widths.viewport);
}
