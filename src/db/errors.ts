// The database's errors, in a file of their own: the CLI tells them apart (exit codes) without
// loading pg, PGlite and Kysely.
export class DbUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DbUnreachableError';
  }
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}
