/** The database cannot be used: unreachable, damaged, in use, or upgraded by a newer Meterdesk. The message says what to do. */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}
