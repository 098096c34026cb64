/** A history or group file that cannot be used: names the file, line and column, and what was expected. */
export class HistoryError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(problem: string, where: { file?: string; line?: number; column?: number } = {}, hint?: string) {
    const place = [where.file, where.line !== undefined ? `line ${where.line}` : undefined, where.column !== undefined ? `column ${where.column}` : undefined]
      .filter(Boolean)
      .join(', ');
    super([place ? `${place}: ${problem}` : problem, hint].filter(Boolean).join('; '));
    this.name = 'HistoryError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}
