/**
 * npm run report:check -- REPORT.html [--screenshot FILE.png]
 *
 * Opens the report in headless Chromium (installing Debian's chromium when missing), fails with
 * exit 1 on console errors, page errors or unrendered figures, and saves a screenshot.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkReport } from './check.js';
import { ensureChromium } from './chromium.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { screenshot: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
const usage = 'usage: npm run report:check -- REPORT.html [--screenshot FILE.png]';
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (positionals.length !== 1) {
  process.stderr.write(`report:check: expected one HTML file\n${usage}\n`);
  process.exit(2);
}
const html = resolve(positionals[0]!);
const chromium = ensureChromium((line) => process.stderr.write(`[report:check] ${line}\n`));
if ('reason' in chromium) {
  process.stderr.write(`report:check: ${chromium.reason}\n`);
  process.exit(1);
}
const result = await checkReport(html, resolve(values.screenshot ?? html.replace(/\.html?$/, '') + '.png'), chromium.path);
const failures = [
  ...result.consoleErrors.map((e) => `console error: ${e}`),
  ...result.pageErrors.map((e) => `page error: ${e}`),
  ...result.unrendered.map((f) => `unrendered figure: ${f}`),
  ...(result.figures === 0 ? ['no figure in the report'] : []),
];
console.log(`${html}: ${result.figures} figures, screenshot ${result.screenshot}`);
for (const failure of failures) console.log(`  FAIL ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
