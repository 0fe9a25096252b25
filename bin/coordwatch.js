#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so no build step stands between a
// fresh clone and a working command.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
