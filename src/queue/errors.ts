// The queue's errors, in a file of their own: the CLI tells them apart (exit codes) without
// loading ioredis.
export class RedisUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnreachableError';
  }
}
