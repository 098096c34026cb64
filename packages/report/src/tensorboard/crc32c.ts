/** Reflected form of the Castagnoli polynomial 0x1EDC6F41, the CRC TFRecord framing uses. */
const POLYNOMIAL = 0x82f63b78;

/** TFRecord's mask constant: masking keeps a CRC stored next to its data from checksumming itself. */
const MASK_DELTA = 0xa282ead8;

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * CRC-32C of `data` as an unsigned 32-bit integer. One table lookup per byte: event records are
 * small, so slicing-by-8 would buy nothing measurable.
 */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The masked CRC-32C stored in TFRecord framing: rotate right by 15 bits, then add a constant. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}
