import { textLines } from './records.js';

/** A source file's text and name (the name is used in errors and, for cartography, gives the epoch). */
export interface SourceText {
  file: string;
  text: string;
}

/**
 * A source read line by line (a file streamed from disk, never held whole): each `lines()` call
 * starts again at line 1, so a parser can read it more than once.
 */
export interface SourceLines {
  file: string;
  lines(): Iterable<string>;
}

export type Source = SourceText | SourceLines;

/** The source's lines, numbered from 1 by their position, without the blank lines that end it. */
export function linesOf(source: Source): Iterable<string> {
  return 'text' in source ? textLines(source.text) : withoutTrailingBlanks(source.lines());
}

/** The first line of a source (undefined for an empty one), reading no further. */
export function firstLine(source: Source): string | undefined {
  for (const line of linesOf(source)) return line;
  return undefined;
}

/** Blank lines are held back until a later line shows they are not the end. */
function* withoutTrailingBlanks(lines: Iterable<string>): Generator<string, void, undefined> {
  const blanks: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      blanks.push(line);
      continue;
    }
    yield* blanks.splice(0);
    yield line;
  }
}
