import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { ALL_CAMPAIGN_TYPES, CAMPAIGN_TYPES, HARD_CAMPAIGN_TYPES, DEFAULT_SIMULATE, PRESETS, presetParams, simulate, SimPresetError, SimulateParamsError } from '../../core/simulate/index.ts';
import type { CampaignType, SimLabel, SimulateParams } from '../../core/simulate/index.ts';
import type { CanonicalPost } from '../../core/types.ts';
import { runCommand, UsageError } from '../run.ts';
import { readCoverTexts } from './eval.ts';
import { n, rate, secs } from '../format.ts';

interface SimulateFlags {
  out: string;
  preset?: string;
  coverFrom?: string[];
  gzip?: boolean;
  seed?: string;
  start?: string;
  days?: string;
  organicAccounts?: string;
  organicVolume?: string;
  posts?: string;
  viralBursts?: string;
  viralBurstSize?: string;
  campaigns?: string;
  campaignSize?: string;
  campaignTypes?: string;
  wavesPerDay?: string;
  jitter?: string;
  paraphrase?: string;
  coverShare?: string;
}

export function registerSimulateCommand(program: Command): void {
  const d = DEFAULT_SIMULATE;
  program
    .command('simulate')
    .description('write a seeded synthetic data set: organic background with viral bursts, planted campaigns, and their labels')
    .option('-o, --out <dir>', 'output folder (posts.ndjson[.gz] and labels.csv)', 'sim')
    .option('--preset <name>', `a named scenario with ground truth (other knobs override it): ${PRESETS.map((x) => x.name).join(', ')}`)
    .option('--cover-from <sets...>', "draw ordinary posts' words from real posts: debate-d1, debate-d2 or POSTS[:LABELS] (organic accounts only when labels are known)")
    .option('--gzip', 'gzip the posts file')
    .option('--seed <n>', `random seed: the same seed and knobs give the same files (default ${String(d.seed)})`)
    .option('--start <iso>', `start of the window (UTC) (default ${d.start})`)
    .option('--days <n>', `length of the window in days (default ${String(d.days)})`)
    .option('--organic-accounts <n>', `ordinary accounts (default ${String(d.organicAccounts)})`)
    .option('--organic-volume <n>', `mean posts per ordinary account per day (default ${String(d.organicVolume)})`)
    .option('--posts <n>', 'total organic posts wanted (overrides --organic-volume)')
    .option('--viral-bursts <n>', `viral organic bursts per day (default ${String(d.viralBursts)})`)
    .option('--viral-burst-size <n>', `mean accounts reposting in a burst (default ${String(d.viralBurstSize)})`)
    .option('--campaigns <n>', `planted campaigns (default ${String(d.campaigns)})`)
    .option('--campaign-size <n>', `accounts per campaign (default ${String(d.campaignSize)})`)
    .option('--campaign-types <list>', `comma-separated, cycled (default ${CAMPAIGN_TYPES.join(',')}); also ${HARD_CAMPAIGN_TYPES.join(',')}`)
    .option('--waves-per-day <n>', `coordinated waves per campaign per day (default ${String(d.wavesPerDay)})`)
    .option('--jitter <s>', `seconds within which campaign members act after a wave starts (default ${String(d.jitter)})`)
    .option('--paraphrase <x>', `paraphrase strength 0..1 (share of words a paraphrase ring rewrites) (default ${String(d.paraphrase)})`)
    .option('--cover-share <x>', `share of a campaign account's posts that are unrelated cover (default ${String(d.coverShare)})`)
    .addHelpText('after', '\nlabels.csv: account_id,label,campaign with label organic or campaign. Exit codes: 0 done, 2 bad option or unwritable output.')
    .action((flags: SimulateFlags) => runCommand(() => simulateCommand(flags)));
}

function num(name: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new UsageError(`--${name}: expected ${integer ? 'a whole number' : 'a number'}, got "${v}"`);
  return x;
}

export function simulateParamsFromFlags(flags: SimulateFlags): Partial<SimulateParams> {
  const p: Partial<SimulateParams> = {};
  const set = <K extends keyof SimulateParams>(k: K, v: SimulateParams[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set('seed', num('seed', flags.seed, true));
  set('start', flags.start);
  set('days', num('days', flags.days));
  set('organicAccounts', num('organic-accounts', flags.organicAccounts, true));
  set('organicVolume', num('organic-volume', flags.organicVolume));
  set('posts', num('posts', flags.posts, true));
  set('viralBursts', num('viral-bursts', flags.viralBursts));
  set('viralBurstSize', num('viral-burst-size', flags.viralBurstSize));
  set('campaigns', num('campaigns', flags.campaigns, true));
  set('campaignSize', num('campaign-size', flags.campaignSize, true));
  set('wavesPerDay', num('waves-per-day', flags.wavesPerDay));
  set('jitter', num('jitter', flags.jitter));
  set('paraphrase', num('paraphrase', flags.paraphrase));
  set('coverShare', num('cover-share', flags.coverShare));
  if (flags.campaignTypes !== undefined) {
    const types = flags.campaignTypes.split(',').map((s) => s.trim()).filter(Boolean);
    for (const t of types) if (!ALL_CAMPAIGN_TYPES.includes(t as CampaignType)) throw new UsageError(`--campaign-types: unknown type "${t}"; use ${ALL_CAMPAIGN_TYPES.join(', ')}`);
    p.campaignTypes = types as CampaignType[];
  }
  return p;
}

async function simulateCommand(flags: SimulateFlags): Promise<number> {
  const started = Date.now();
  let sim;
  try {
    const base = flags.preset ? presetParams(flags.preset) : {};
    const coverTexts = flags.coverFrom?.length ? await readCoverTexts(flags.coverFrom) : null;
    sim = simulate({ ...base, ...simulateParamsFromFlags(flags), ...(coverTexts ? { coverTexts } : {}) });
  } catch (err) {
    if (err instanceof SimulateParamsError || err instanceof SimPresetError) throw new UsageError(err.message);
    throw err;
  }
  try {
    fs.mkdirSync(flags.out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${flags.out}: ${(err as Error).message}`);
  }
  const postsPath = path.join(flags.out, flags.gzip ? 'posts.ndjson.gz' : 'posts.ndjson');
  const labelsPath = path.join(flags.out, 'labels.csv');
  const count = await writePosts(postsPath, sim.posts(), Boolean(flags.gzip));
  fs.writeFileSync(labelsPath, labelsCsv(sim.labels));

  const ms = Date.now() - started;
  const campaigns = new Set(sim.labels.map((l) => l.campaign).filter(Boolean)).size;
  const planted = sim.labels.filter((l) => l.label === 'campaign').length;
  process.stdout.write(
    [
      `simulated seed ${sim.params.seed}: ${n(count)} posts by ${n(sim.accounts.length)} accounts over ${sim.params.days} days`,
      `  campaigns   ${campaigns} (${n(planted)} accounts), organic ${n(sim.accounts.length - planted)}`,
      `  posts       ${postsPath} (${n(Math.round(fs.statSync(postsPath).size / 1024))} KB)`,
      `  labels      ${labelsPath}`,
      `  time        ${secs(ms)} (${n(rate(count, ms))} posts/s)`,
    ].join('\n') + '\n',
  );
  return 0;
}

/** account_id,label,campaign — plus a role column (organic hard cases) when any account has one. */
export function labelsCsv(labels: readonly SimLabel[]): string {
  if (labels.some((l) => l.role)) {
    return ['account_id,label,campaign,role', ...labels.map((l) => `${l.account_id},${l.label},${l.campaign ?? ''},${l.role ?? ''}`)].join('\n') + '\n';
  }
  return ['account_id,label,campaign', ...labels.map((l) => `${l.account_id},${l.label},${l.campaign ?? ''}`)].join('\n') + '\n';
}

/**
 * JSON of a canonical post, byte-identical to JSON.stringify(post): the account object is
 * shared by all of an account's posts, so its JSON is made once.
 */
export function postJson(p: CanonicalPost, accountJson: WeakMap<object, string>): string {
  let acc = accountJson.get(p.account);
  if (acc === undefined) accountJson.set(p.account, (acc = JSON.stringify(p.account)));
  const str = JSON.stringify;
  return (
    `{"platform":${str(p.platform)},"post_id":${str(p.post_id)},"posted_at":${str(p.posted_at)},"text":${str(p.text)},` +
    `"lang":${str(p.lang)},"urls":${str(p.urls)},"hashtags":${str(p.hashtags)},"mentions":${str(p.mentions)},` +
    `"repost_of":${str(p.repost_of)},"reply_to":${str(p.reply_to)},"media_hashes":${str(p.media_hashes)},"account":${acc}}`
  );
}

/** Stream the posts out with backpressure, in ~1 MB writes: a 2.5M-post file never sits in memory. */
async function writePosts(file: string, posts: Iterable<CanonicalPost>, gzip: boolean): Promise<number> {
  const accountJson = new WeakMap<object, string>();
  const fileStream = fs.createWriteStream(file);
  const sink: Writable = gzip ? createGzip({ level: 1 }) : fileStream;
  if (gzip) sink.pipe(fileStream);
  let buf = '';
  let count = 0;
  for (const p of posts) {
    buf += postJson(p, accountJson) + '\n';
    count++;
    if (buf.length > 1 << 20) {
      if (!sink.write(buf)) await once(sink, 'drain');
      buf = '';
    }
  }
  if (buf) sink.write(buf);
  sink.end();
  await once(fileStream, 'finish');
  return count;
}
