/*
 * Base64 of raw bytes. Node's Buffer encodes at memory speed; where it is absent (a browser, a
 * worker) atob/btoa do it on "binary strings" (one char per byte), built in chunks to stay clear
 * of the argument-count limit. A checkpoint re-encodes every sample table so far, so on Node the
 * btoa path cost ~0.2 s per epoch of a 20,000-sample cell.
 */

interface BufferLike {
  toString(encoding: 'base64'): string;
}
interface BufferConstructorLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): BufferLike;
  from(text: string, encoding: 'base64'): Uint8Array;
}
const NodeBuffer = (globalThis as { Buffer?: BufferConstructorLike }).Buffer;

const CHUNK = 0x8000;

export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let at = 0; at < bytes.length; at += CHUNK) binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  return btoa(binary);
}

/** Decodes canonical base64; anything else (a stray character, bad padding) throws instead of decoding silently. */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new SyntaxError('not a base64 string');
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
