import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e specs (Chromium via playwright-core) run with the rest: CI runs only `npm test`
    exclude: ['node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time, also on 2 cores: the integration files mostly wait on worker
    // processes, Postgres and Redis (each file has its own database and queue prefix). The
    // whole suite took 20 min one file at a time and about 11 min two at a time here.
    maxWorkers: 2,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
