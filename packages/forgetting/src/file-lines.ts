import { closeSync, openSync, readSync } from 'node:fs';
import { HistoryError } from './errors.js';

/** Bytes read per call: large enough that reading costs little next to parsing, small next to any file worth streaming. */
const CHUNK_BYTES = 1 << 20;

/**
 * A text file's lines (without their \n or \r\n), read a chunk at a time so that memory holds one
 * chunk and one line, never the file: a file can exceed the longest string JavaScript allows. A
 * leading byte-order mark is dropped. Bytes that are not UTF-8, or a NUL, end the reading with a
 * HistoryError naming the file and `notText`: what the file is then, and what was expected.
 */
export function* fileLines(file: string, notText: { problem: string; hint: string }): Generator<string, void, undefined> {
  const fd = openForReading(file);
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let pending = '';
    let line = 0;
    let first = true;
    const decode = (bytes: Uint8Array, stream: boolean): string => {
      let text: string;
      try {
        text = decoder.decode(bytes, { stream });
      } catch {
        text = '\0';
      }
      if (text.includes('\0')) throw new HistoryError(notText.problem, { file }, notText.hint);
      return text;
    };
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      } catch (error) {
        throw new HistoryError(`cannot read the file: ${error instanceof Error ? error.message : String(error)}`, { file, line: line + 1 });
      }
      let text = pending + decode(chunk.subarray(0, read), read > 0);
      if (first && text.length > 0) {
        if (text.startsWith('\uFEFF')) text = text.slice(1);
        first = false;
      }
      let from = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
        line++;
        yield text.slice(from, end > from && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
        from = end + 1;
      }
      pending = text.slice(from);
      if (read === 0) break;
    }
    if (pending !== '') yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
  } finally {
    closeSync(fd);
  }
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export function fileHead(file: string, bytes = 64 * 1024): Uint8Array {
  const fd = openForReading(file);
  try {
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** A file descriptor to read `file`, or a HistoryError naming it. */
function openForReading(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (error) {
    throw new HistoryError(`cannot read the file: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}
