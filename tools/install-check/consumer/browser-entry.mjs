// Bundled for the browser by the install check (esbuild, platform browser) and run in headless Chromium.
import { analyze, historyFromBytes, historyFromCsv, historyToBinary, summarize } from '@mgdl/forgetting';

const history = historyFromCsv('id,0,1,2,3\n10,0,1,0,1\n11,1,1,1,1\n12,0,0,0,0\n13,1,0,1,0\n', { file: 'upload.csv' });
const again = historyFromBytes(historyToBinary(history));
globalThis.mgdlResult = { summary: summarize(analyze(again)), hasProcess: typeof process !== 'undefined' };
