import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes (the MNIST format). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, d) => a * d, 1);
  if (data.length !== count) throw new Error(`encodeIdx: ${data.length} bytes for shape ${dims.join('×')}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** A TREC `.label` file: one "COARSE:fine question" line per row, latin-1 as published. */
export function encodeTrec(rows: readonly { label: string; text: string }[]): Uint8Array {
  const text = rows.map((r) => `${r.label} ${r.text}\n`).join('');
  if ([...text].some((c) => c.codePointAt(0)! > 0xff)) throw new Error('encodeTrec: text outside latin-1');
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}
