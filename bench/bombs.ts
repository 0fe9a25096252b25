/**
 * The bad-input catalogue's heavy cases (issue "nothing lost, nothing hung"), measured, never
 * asserted: each case runs in a fresh child process that reads the input through the ingest
 * readers, and the table gives records, rejected, wall seconds, CPU seconds and the child's
 * peak RSS. The cases are generated in a temporary folder and removed after.
 *
 *   npm run bench:bombs
 *   BOMB_MB=300 npm run bench:bombs     # the size of the newline bomb (default 300 MB)
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

const CHILD = process.argv[2] === '--child';

if (CHILD) {
  const [, , , file, capMb] = process.argv;
  const { readRecordBatches } = await import('../src/ingest/index.ts');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let ok = 0;
  let bad = 0;
  let error: string | null = null;
  try {
    const opts = capMb ? { maxDecompressedBytes: Number(capMb) * 1024 * 1024 } : {};
    for await (const batch of readRecordBatches(file!, opts)) {
      for (const r of batch) {
        if (r.ok) ok++;
        else bad++;
      }
    }
  } catch (err) {
    error = `${(err as Error).name}: ${(err as Error).message.slice(0, 90)}`;
  }
  const cpu = process.cpuUsage(c0);
  process.stdout.write(
    JSON.stringify({ ok, bad, error, s: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, rssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bombs-'));
const bombMb = Number(process.env.BOMB_MB ?? 300);
const post = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ platform: 'x', post_id: String(i), posted_at: '2024-04-01T12:00:00Z', text: `post ${i}`, account: { id: String(i % 50) }, ...extra });

/** Streamed through gzip a megabyte at a time: small on disk, large when read. */
async function gzipNewlines(file: string, mb: number): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024, 0x0a);
  async function* source() {
    for (let i = 0; i < mb; i++) yield chunk;
  }
  await pipeline(Readable.from(source()), zlib.createGzip({ level: 9 }), fs.createWriteStream(file));
}

const cases: { name: string; file: string; capMb?: number }[] = [];
async function build(): Promise<void> {
  const bomb = path.join(dir, 'newlines.ndjson.gz');
  await gzipNewlines(bomb, bombMb);
  cases.push({ name: `gzip of ${bombMb} MB of newlines (${(fs.statSync(bomb).size / 1e6).toFixed(1)} MB on disk)`, file: bomb });
  cases.push({ name: `the same, under a 64 MiB decompressed cap`, file: bomb, capMb: 64 });

  const lists = path.join(dir, 'lists.ndjson');
  const hashtags = Array.from({ length: 100_000 }, (_, i) => `h${i}`);
  const urls = Array.from({ length: 50_000 }, (_, i) => `https://e.example/${i}`);
  fs.writeFileSync(lists, [post(1, { hashtags, urls }), ...Array.from({ length: 3000 }, (_, i) => post(i + 2))].join('\n') + '\n');
  cases.push({ name: 'one post with 100k hashtags and 50k URLs among 3,000', file: lists });

  const tail = path.join(dir, 'tail.ndjson.gz');
  const body = zlib.gzipSync(Array.from({ length: 3000 }, (_, i) => post(i)).join('\n') + '\n');
  fs.writeFileSync(tail, Buffer.concat([body, Buffer.from('garbage')]));
  cases.push({ name: '3,000 posts, complete gzip + 7 bytes of garbage', file: tail });

  const cr = path.join(dir, 'cr.ndjson');
  fs.writeFileSync(cr, Array.from({ length: 3000 }, (_, i) => post(i)).join('\r') + '\r');
  cases.push({ name: '3,000 posts with CR-only line ends', file: cr });

  const long = path.join(dir, 'long-line.ndjson');
  fs.writeFileSync(long, post(1, { text: 'x'.repeat(40 * 1024 * 1024) }) + '\n' + post(2) + '\n');
  cases.push({ name: 'a 40 MB line, then one good post', file: long });
}

await build();
const rows: string[][] = [['case', 'records', 'rejected', 'error', 'wall s', 'CPU s', 'peak RSS MB']];
for (const c of cases) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', c.file, c.capMb ? String(c.capMb) : ''], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const x = JSON.parse(line) as { ok: number; bad: number; error: string | null; s: number; cpu: number; rssMb: number };
    rows.push([c.name, String(x.ok), String(x.bad), x.error ?? '', x.s.toFixed(2), x.cpu.toFixed(2), x.rssMb.toFixed(0)]);
  } catch {
    rows.push([c.name, '?', '?', `child failed: ${(r.stderr || line).slice(0, 80)}`, '', '', '']);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) process.stdout.write(r.map((v, i) => (i === 0 || i === 3 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ') + '\n');
process.stdout.write(`\nnode ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(1)}\n`);
