import { DatasetError } from '../errors.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = PLANE * 3;
const RECORD = 1 + PIXELS;
const RECORD_TEXT = `a whole number of ${RECORD}-byte records (1 label byte, then ${PLANE} red, ${PLANE} green and ${PLANE} blue bytes)`;

/**
 * Parses a CIFAR-10 binary batch. The file stores each image as three colour planes; the result
 * is NHWC (n×32×32×3, interleaved RGB), the layout the models consume.
 */
export function parseCifarBatch(
  bytes: Uint8Array,
  file: string,
  classes = 10,
): { images: Uint8Array; labels: Int32Array } {
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) {
    throw new DatasetError('bad-argument', `invalid class count ${classes}`, {
      file,
      expected: 'an integer in 1..256, since labels are single bytes',
    });
  }
  if (bytes.length === 0) {
    throw new DatasetError('truncated', 'file is empty', { file, offset: 0, expected: RECORD_TEXT });
  }
  const n = Math.floor(bytes.length / RECORD);
  if (bytes.length !== n * RECORD) {
    throw new DatasetError('record-size', `file ends inside record ${n} (${bytes.length} bytes)`, {
      file,
      offset: n * RECORD,
      expected: RECORD_TEXT,
    });
  }

  const labels = new Int32Array(n);
  const images = new Uint8Array(n * PIXELS);
  for (let i = 0; i < n; i++) {
    const start = i * RECORD;
    const label = bytes[start]!;
    if (label >= classes) {
      throw new DatasetError('bad-value', `label ${label} of record ${i} is out of range`, {
        file,
        offset: start,
        expected: `a label in 0..${classes - 1}`,
      });
    }
    labels[i] = label;
    const out = i * PIXELS;
    for (let c = 0; c < 3; c++) {
      const plane = start + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[out + p * 3 + c] = bytes[plane + p]!;
    }
  }
  return { images, labels };
}
