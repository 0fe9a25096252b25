import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

// `coordwatch keys` and `coordwatch serve` as a user runs them, on the real Postgres.
describe('keys and serve commands', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('a key created on the command line opens the API until it is revoked; serve stops cleanly on SIGTERM', async () => {
    const env = { DATABASE_URL: tdb.url };
    const created = await runCli(['keys', 'create', '--role', 'viewer', '--name', 'cli-test'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = /(cw_[A-Za-z0-9_-]{20,})/.exec(created.stdout)![1]!;
    const list = await runCli(['keys', 'list'], env);
    expect(list.stdout).toMatch(/cli-test\s+viewer/);
    expect(list.stdout).not.toContain(key);

    const port = String(20000 + Math.floor(Math.random() * 20000));
    const api = startProcess('workers/api.ts', [], { ...env, API_PORT: port });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor('api up', async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok ?? null, 60_000, 200);
      const ok = await fetch(`${base}/v1/alerts`, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      const none = await fetch(`${base}/v1/alerts`);
      expect(none.status).toBe(401);

      const revoked = await runCli(['keys', 'revoke', 'cli-test'], env);
      expect(revoked.code, revoked.stderr).toBe(0);
      const after = await fetch(`${base}/v1/alerts`, { headers: { authorization: `Bearer ${key}` } });
      expect(after.status).toBe(401);
    } finally {
      api.kill('SIGTERM');
    }
    expect(await api.exited).toBe(0);
  }, 120_000);

  it('rejects an unknown role with exit code 2', async () => {
    const r = await runCli(['keys', 'create', '--role', 'root', '--name', 'x'], { DATABASE_URL: tdb.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/role/);
  });
});
