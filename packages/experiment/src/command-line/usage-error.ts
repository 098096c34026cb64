/** A command line or config a user must fix: printed with the usage line, exit 2. */
export class UsageError extends Error {}
