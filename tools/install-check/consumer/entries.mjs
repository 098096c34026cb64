// Loads every entry point of every installed @mgdl package with import() and with require(), and
// checks that both hand back the very same objects (one copy of each class: instanceof holds).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const results = [];
for (const dir of readdirSync('node_modules/@mgdl').sort()) {
  const manifest = JSON.parse(readFileSync(`node_modules/@mgdl/${dir}/package.json`, 'utf8'));
  for (const key of Object.keys(manifest.exports ?? {}).filter((k) => !k.endsWith('.json'))) {
    const specifier = manifest.name + key.slice(1);
    const esm = await import(specifier);
    const cjs = require(specifier);
    const names = Object.keys(esm);
    results.push({ specifier, exports: names.length, differ: names.filter((name) => cjs[name] !== esm[name]) });
  }
}
console.log(JSON.stringify(results));
process.exit(0);
