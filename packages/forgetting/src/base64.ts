/*
 * Base64 of raw bytes without Node's Buffer, so that the forgetting core runs in a browser too.
 * atob/btoa are globals in browsers, workers, Deno, Bun and Node ≥ 16; they work on "binary
 * strings" (one char per byte), built here in chunks to stay clear of the argument-count limit.
 */

const CHUNK = 0x8000;

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += CHUNK) binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  return btoa(binary);
}

/** Decodes canonical base64; anything else (a stray character, bad padding) throws instead of decoding silently. */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new SyntaxError('not a base64 string');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
