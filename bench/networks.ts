/**
 * `npm run bench:networks`: the co-action network pipeline (`coordwatch networks`, parsing
 * included) with the four coordination-network-toolkit kinds, `--compat cnt`, window 60 s,
 * min weight 2, on
 *   1. the IRA set (ira-2016q4, 241,947 tweets), and
 *   2. a 2.5-million-post CNT CSV built from it (the IRA file replicated with new post and account
 *      ids, each copy shifted 62 days later, so it has ~10× the IRA work and the same shape),
 * then the near-duplicate network alone at windows 60, 300 and 1800 s (exact CNT join and our
 * MinHash/LSH mode) to show its cost grows no faster than linearly with the window.
 *
 * Each measurement runs in a fresh child process so its peak RSS is its own. Prints wall seconds,
 * CPU seconds, peak RSS and posts/s, and the ratio to coordination-network-toolkit on this
 * machine (../shared/data/README.md: 219 s on 2,463,944 IRA tweets, 32.2 s on 528,643). Issue 13's
 * goals: ≥ 15× (≤ 14.6 s) and ≤ 500 MB on the 2.5 M set, ≥ 10× (≤ 3.2 s) on ~528 k posts (measured
 * here on a 530 k replica of the IRA set), and 25 M posts in ≤ 2 GB with --memory-mb.
 *
 * Options: --posts N (size of the big file, default 2,500,000), --skip-big, --skip-similar,
 * --huge (also a 25 M-post file with --memory-mb 1500; needs ~6 GB of temp space), --keep (keep the
 * built files in the temp folder for later runs; they are reused when present).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorePosts, withBareKeys } from '../src/ingest/core-posts.ts';
import { runNetworks, CNT_DEFAULT_KINDS } from '../src/cli/commands/networks.ts';
import { buildKindEdges, preparePosts, resolveOptions } from '../src/core/edges/index.ts';
import { sharedDataDir } from '../src/shared-data.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA = sharedDataDir(path.resolve(HERE, '..'));
const IRA = path.join(DATA, 'ira-2016q4/posts.cnt.csv.gz');
const BENCH_DIR = path.join(os.tmpdir(), 'coordwatch-bench');
const DAY = 86_400;

interface Measure {
  label: string;
  posts: number;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  steps: string;
  edges: string;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
}

/** The IRA CNT file replicated (new ids, shifted times) up to `total` rows. */
async function buildBigFile(total: number, file: string): Promise<void> {
  // bare ids: the file written is a toolkit CSV, as the IRA one
  const { posts } = withBareKeys(await loadCorePosts(IRA, { format: 'cnt-csv' }));
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const p of posts) {
    if (p.t < tMin) tMin = p.t;
    if (p.t > tMax) tMax = p.t;
  }
  const shift = Math.ceil((tMax - tMin) / DAY + 1) * DAY;
  // copies go later while they stay in the past (ingest rejects posts dated after tomorrow), then
  // earlier than the original: a 25 M-post file is ~100 copies, 17 years
  const forward = Math.max(0, Math.floor((Date.now() / 1000 - tMax) / shift));
  const offset = (copy: number): number => (copy <= forward ? copy * shift : -(copy - forward) * shift);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = file + '.part';
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, 'message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n');
  let written = 0;
  let buf: string[] = [];
  for (let copy = 0; written < total; copy++) {
    for (const p of posts) {
      if (written >= total) break;
      const suffix = copy === 0 ? '' : `~${copy}`;
      buf.push(
        [
          csvField(p.key + suffix),
          csvField(p.account + suffix),
          csvField(p.account + suffix),
          csvField(p.repost_of ?? ''),
          csvField(p.reply_to ?? ''),
          csvField(p.text),
          String(p.t + offset(copy)),
          csvField(p.urls.join(' ')),
        ].join(',') + '\n',
      );
      written++;
      if (buf.length >= 50_000) {
        fs.writeSync(fd, buf.join(''));
        buf = [];
      }
    }
  }
  fs.writeSync(fd, buf.join(''));
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

/** Child: one measurement, printed as JSON on the last stdout line. */
async function child(task: string, file: string, label: string, window: number, memoryMb: number | null): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let posts = 0;
  let steps = '';
  let edges = '';
  if (task === 'pipeline') {
    // the options `coordwatch networks --compat cnt` uses
    const r = await runNetworks({ file, kinds: CNT_DEFAULT_KINDS, window: 60, minWeight: 2, similarity: 0.8, compat: 'cnt', format: 'cnt-csv', repostText: false, memoryMb });
    posts = r.postCount;
    steps = r.timings.map((t) => `${t.step} ${(t.ms / 1000).toFixed(2)}`).join(', ');
    steps += `; read by ${r.reader}, ${r.partitions} partition(s)${r.spilledBytes ? `, ${Math.round(r.spilledBytes / 1e6)} MB spilled` : ''}`;
    edges = [...r.edgesByKind].map(([k, e]) => `${k} ${e.length}`).join(', ');
  } else {
    // near-duplicate network alone at one window; loading is excluded from the timing
    const loaded = await loadCorePosts(file, { format: 'cnt-csv', repostText: false });
    posts = loaded.posts.length;
    const prep = preparePosts(loaded.posts);
    const compat = task === 'similar-cnt' ? 'cnt' : null;
    const ro = resolveOptions({ kinds: ['co_similar'], window, minWeight: 2, similarity: 0.8, compat });
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const e = buildKindEdges(prep, 'co_similar', ro);
    const ms = performance.now() - t1;
    const cpu = process.cpuUsage(c1);
    const m: Measure = {
      label,
      posts,
      wallMs: ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      steps: '',
      edges: `co_similar ${e.length}`,
    };
    process.stdout.write(JSON.stringify(m) + '\n');
    return;
  }
  const cpu = process.cpuUsage(c0);
  const m: Measure = {
    label,
    posts,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    steps,
    edges,
  };
  process.stdout.write(JSON.stringify(m) + '\n');
}

function runChild(task: string, file: string, label: string, window = 60, memoryMb: number | null = null): Measure {
  const res = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', task, file, label, String(window), String(memoryMb ?? '')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
  });
  if (res.status !== 0) throw new Error(`benchmark child failed (${task} ${label}):\n${res.stderr}`);
  const last = res.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Measure;
}

function line(m: Measure): string {
  const rate = Math.round(m.posts / (m.wallMs / 1000));
  return `${m.label.padEnd(34)} ${m.posts.toLocaleString('en-US').padStart(10)} posts  wall ${(m.wallMs / 1000).toFixed(2).padStart(6)} s  cpu ${(m.cpuMs / 1000).toFixed(2).padStart(6)} s  peak RSS ${Math.round(m.maxRssMb).toString().padStart(5)} MB  ${rate.toLocaleString('en-US').padStart(9)} posts/s`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1], args[2], args[3], Number(args[4]), args[5] ? Number(args[5]) : null);
    return;
  }
  if (!fs.existsSync(IRA)) throw new Error(`missing ${IRA}`);
  const postsArg = args.indexOf('--posts');
  const total = postsArg >= 0 ? Number(args[postsArg + 1]) : 2_500_000;
  const skipBig = args.includes('--skip-big');
  const skipSimilar = args.includes('--skip-similar');
  const huge = args.includes('--huge');
  const keep = args.includes('--keep');
  console.log(`coordwatch networks benchmark — node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('four CNT kinds (co_retweet, co_tweet, co_link, co_similar_tweet), --compat cnt, window 60 s, min weight 2, parsing included\n');

  const ratio = (m: Measure, toolkitS: number, goal: number) => {
    const x = toolkitS / (m.wallMs / 1000);
    return `${x.toFixed(1)}× the toolkit's ${toolkitS} s (goal ≥ ${goal}×: ≤ ${(toolkitS / goal).toFixed(1)} s)`;
  };
  const ira = runChild('pipeline', IRA, 'IRA ira-2016q4 (gzip CSV)');
  console.log(line(ira));
  console.log(`  steps: ${ira.steps}\n  edges: ${ira.edges}\n`);

  const built = (n: number): string => {
    const f = path.join(BENCH_DIR, `ira-x-${n}.cnt.csv`);
    return f;
  };
  const ensure = async (n: number): Promise<string> => {
    const f = built(n);
    if (!fs.existsSync(f)) {
      const t0 = performance.now();
      await buildBigFile(n, f);
      console.log(`(built ${f}, ${(fs.statSync(f).size / 1e6).toFixed(0)} MB, in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    return f;
  };
  const made: string[] = [];

  // ~528 k: the toolkit's 32.2 s on 528,643 IRA tweets of 2017 (that set is not in shared/)
  const mid = await ensure(530_000);
  made.push(mid);
  const m5 = runChild('pipeline', mid, '530 k posts (IRA replica, plain CSV)');
  console.log(line(m5));
  console.log(`  steps: ${m5.steps}\n  vs toolkit on 528,643: ${ratio(m5, 32.2, 10)}\n`);

  let big: string | null = null;
  if (!skipBig) {
    big = await ensure(total);
    made.push(big);
    for (const memoryMb of [null, 400]) {
      const m = runChild('pipeline', big, `${(total / 1e6).toFixed(1)} M posts${memoryMb ? `, --memory-mb ${memoryMb}` : ''}`, 60, memoryMb);
      console.log(line(m));
      console.log(`  steps: ${m.steps}\n  edges: ${m.edges}`);
      console.log(`  vs toolkit on 2,463,944: ${ratio(m, 219, 15)}; peak RSS ${Math.round(m.maxRssMb)} MB (goal ≤ 500 MB; toolkit 66 MB)\n`);
    }
  }
  if (huge) {
    const f = await ensure(25_000_000);
    made.push(f);
    const m = runChild('pipeline', f, '25 M posts, --memory-mb 1500', 60, 1500);
    console.log(line(m));
    console.log(`  steps: ${m.steps}\n  edges: ${m.edges}\n  peak RSS ${Math.round(m.maxRssMb)} MB (goal ≤ 2,048 MB)\n`);
  }

  const simFile = big ?? IRA;
  if (!skipSimilar) console.log(`near-duplicate network alone (co_similar, loading excluded) on ${big ? 'the big file' : 'the IRA set'}:`);
  for (const task of skipSimilar ? [] : ['similar-cnt', 'similar-minhash']) {
    const base: Measure[] = [];
    for (const w of [60, 300, 1800]) {
      const m = runChild(task, simFile, `${task === 'similar-cnt' ? 'exact CNT join' : 'MinHash/LSH (default)'} window ${w} s`, w);
      base.push(m);
      console.log(`${line(m)}  ${m.edges}`);
    }
    const r = (i: number) => (base[i].wallMs / base[0].wallMs).toFixed(2);
    console.log(`  time ratio vs 60 s: 300 s → ${r(1)}× (window 5×), 1800 s → ${r(2)}× (window 30×)\n`);
  }
  // the machine is shared: other jobs' load slows every figure of a run by about the same factor
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (!keep) for (const f of made) fs.rmSync(f, { force: true });
}

await main();
