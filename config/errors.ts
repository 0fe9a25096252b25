// The configuration's error, in a file of its own: the CLI tells it apart (exit code 2) without
// loading zod.
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
