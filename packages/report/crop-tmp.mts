import { readFileSync, writeFileSync } from 'node:fs';
import { decode, encode } from 'fast-png';
const [src, out, y0, h] = process.argv.slice(2);
const im = decode(readFileSync(src!));
const c = im.channels, w = im.width, top = Number(y0), hh = Math.min(Number(h), im.height - top);
const data = (im.data as Uint8Array).slice(top * w * c, (top + hh) * w * c);
writeFileSync(out!, encode({ width: w, height: hh, data, channels: c, depth: 8 }));
