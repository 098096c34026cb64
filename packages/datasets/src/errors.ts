/** What went wrong, as a stable code callers and tests can switch on. */
export type DatasetErrorCode =
  | 'bad-magic'
  | 'truncated'
  | 'record-size'
  | 'bad-value'
  | 'corrupt-archive'
  | 'malformed-line'
  | 'checksum-mismatch'
  | 'not-found'
  | 'download-failed'
  | 'bad-argument'
  | 'bad-image'
  | 'unknown-dataset';

export interface DatasetErrorDetails {
  /** The file the problem is in. */
  file?: string;
  /** Byte offset in the (decompressed) file where the problem starts. */
  offset?: number;
  /** 1-based line number, for text formats. */
  line?: number;
  /** 1-based column (cell) number, for tables. */
  column?: number;
  /** What was expected there, in words. */
  expected?: string;
  /** What to do about it. */
  hint?: string;
}

/**
 * Every problem with dataset files or dataset arguments: names the file and the byte offset or
 * line, says what was expected, and how to fix it. Never a silently short dataset.
 */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly file?: string;
  readonly offset?: number;
  readonly line?: number;
  readonly column?: number;
  readonly expected?: string;

  constructor(code: DatasetErrorCode, problem: string, details: DatasetErrorDetails = {}) {
    super(formatMessage(problem, details));
    this.name = 'DatasetError';
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
    this.line = details.line;
    this.column = details.column;
    this.expected = details.expected;
  }
}

function formatMessage(problem: string, { file, offset, line, column, expected, hint }: DatasetErrorDetails): string {
  const where = [file, line !== undefined ? `line ${line}` : undefined, column !== undefined ? `column ${column}` : undefined, offset !== undefined ? `byte ${offset}` : undefined]
    .filter(Boolean)
    .join(', ');
  const parts = [where ? `${where}: ${problem}` : problem, expected ? `expected ${expected}` : '', hint ?? ''].filter(Boolean);
  return parts.join(problem.includes('\n') ? '\n' : '; ');
}
