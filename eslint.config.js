import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers from './eslint.layers.js';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['bin/**/*.js', '*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // the console's one script declares the browser globals it uses
    files: ['src/api/console/static/**/*.js'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-redeclare': 'off' },
  },
  {
    // The layering of src/ (eslint.layers.js): arrows only point down.
    files: ['src/**/*.ts', 'config/**/*.ts', 'migrations/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/layers': ['error', { root }] },
  },
  {
    // Migrations are typed Kysely<any> on purpose: they must not depend on today's schema types.
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The detection core is pure: plain data in, plain data out. No I/O, clock, env or logger.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/db/**', '**/queue/**', '**/api/**', '**/cli/**', '**/ingest/**', '**/config/**', '**/logger*'], message: 'src/core is pure: pass data in as arguments.' },
            { group: ['pg', 'pg-*', 'kysely', 'kysely-*', 'bullmq', 'ioredis', 'pino', 'pino-*', '@electric-sql/*', 'node:fs', 'fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:process'], message: 'src/core is pure: no I/O.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core must not read the environment.' }, { name: 'fetch', message: 'src/core never fetches.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'pass `now` in.' }, { object: 'Math', property: 'random', message: 'use a seeded PRNG.' }],
    },
  },
);
