/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS user, on purpose */
// The same entry points from a CommonJS file, as a CommonJS user would load them.
const { readdirSync, readFileSync } = require('node:fs');

const results = [];
for (const dir of readdirSync('node_modules/@mgdl').sort()) {
  const manifest = JSON.parse(readFileSync(`node_modules/@mgdl/${dir}/package.json`, 'utf8'));
  for (const key of Object.keys(manifest.exports ?? {}).filter((k) => !k.endsWith('.json'))) {
    const specifier = manifest.name + key.slice(1);
    results.push({ specifier, exports: Object.keys(require(specifier)).length });
  }
}
console.log(JSON.stringify(results));
process.exit(0);
