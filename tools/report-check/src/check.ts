import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

export interface BrowserCheck {
  consoleErrors: string[];
  pageErrors: string[];
  /** Figures (`figure` elements) that show no drawn SVG or image, by caption. */
  unrendered: string[];
  figures: number;
  screenshot: string;
}

/**
 * Loads the report as a person would (file URL, no network), collects console errors and page
 * exceptions, checks that every figure has a visible, non-empty drawing, and saves a full-page
 * screenshot.
 */
export async function checkReport(htmlPath: string, screenshot: string, chromium: string): Promise<BrowserCheck> {
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // Offline like a person opening a saved file: any request but the file itself fails the check.
    await page.setRequestInterception(true);
    page.on('request', (request) => (request.url().startsWith('file:') || request.url().startsWith('data:') ? void request.continue() : void request.abort()));
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const { figures, unrendered } = await page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('figure'));
      const blank = all.filter((figure) => {
        const drawing = figure.querySelector('svg, img');
        if (!drawing) return true;
        const box = drawing.getBoundingClientRect();
        const marks = drawing.tagName.toLowerCase() === 'svg' ? drawing.querySelectorAll('path, rect, circle, line, text').length : 1;
        return box.width < 50 || box.height < 50 || marks === 0;
      });
      return { figures: all.length, unrendered: blank.map((f) => f.querySelector('figcaption')?.textContent?.trim() ?? '(no caption)') };
    });
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    return { consoleErrors, pageErrors, unrendered, figures, screenshot };
  } finally {
    await browser.close();
  }
}
