import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CntColumnsBuilder,
  columnsWithPartner,
  ObjectKindCounter,
  prepareColumns,
  SimilarCounter,
  similarSlabs,
  slabReach,
} from '../../core/edges/cnt-columns.ts';
import type { CoActionKind, ResolvedOptions } from '../../core/edges/options.ts';
import { accountKey } from '../../core/keys.ts';
import { cntMessagePreprocess, cntTokenHashesInto, newTokenHashes } from '../../core/text/cnt-text.ts';
import type { CanonicalAccount, Edge } from '../../core/types.ts';
import { readRecordBatches } from '../index.ts';
import type { InputFormat } from '../registry.ts';
import { detectFormat } from '../sniff.ts';
import type { ReadOptions } from '../types.ts';
import { readCntFields, type CntFields } from './cnt-fast.ts';
import { NotPlainCsv } from './cnt-scan.ts';
import { SpillStore, type RecordReader } from './spill.ts';
import { fmix32 } from '../../core/text/hash.ts';

/**
 * `coordwatch networks --compat cnt` without a post object per post: the file's records (the
 * same readers, validation and "first record of a post id wins" as loadCorePosts) become three
 * columns (time, account, original?) plus partitioned records of the objects each kind pairs on
 * (core/edges/cnt-columns.ts explains the counting). With `memoryMb` set and an input larger than
 * about a quarter of it, the partitions are spilled to temp files and counted one at a time, so
 * memory follows the largest partition and the columns (~50 bytes a post), not the input.
 *
 * The edges equal those of the kinds' builders over loadCorePosts' posts (tests check it byte
 * for byte on the shared sets, in memory and spilled). Edges carry no evidence.
 */
export interface CntNetworksOptions {
  file: string;
  format?: InputFormat;
  read?: ReadOptions;
  kinds: readonly CoActionKind[];
  ro: ResolvedOptions;
  /** memory budget in MiB; null/undefined: everything in memory */
  memoryMb?: number | null;
  /** partitions to use when spilling (default: from the input's size and the budget) */
  partitions?: number;
  /** folder for temp files (default: the OS temp folder) */
  tmpDir?: string;
}

export interface CntNetworksResult {
  postCount: number;
  accounts: Map<string, CanonicalAccount>;
  platforms: string[];
  edgesByKind: Map<CoActionKind, Edge[]>;
  rejected: number;
  duplicates: number;
  format: InputFormat;
  /** partitions per kind (1: in memory) */
  partitions: number;
  /** bytes written to temp files */
  spilledBytes: number;
  /** how the file was read: `scan` (byte scanner), `rows (why not scanned)`, `records` (any format) */
  reader: string;
  timings: { step: string; ms: number }[];
}

const MAX_PARTITIONS = 64;

/** 64-bit hashes of seen post ids (two independent 32-bit halves): across 25 M ids a false "repeat" is a ~10⁻⁵ event. */
class IdHashSet {
  private h1 = new Uint32Array(1 << 16);
  private h2 = new Uint32Array(1 << 16);
  private used = new Uint8Array(1 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  /** `platform:id` (hashed without building it); true when added, false when already present */
  add(platform: string, s: string): boolean {
    let a = 0x811c9dc5;
    let b = 0x2545f491;
    for (let i = 0; i < platform.length; i++) {
      const c = platform.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // the colon of core/keys.ts: platforms carry none, so `platform:id` is unique per post
    a = Math.imul(a ^ 0x3a, 0x01000193);
    b = Math.imul(b ^ 0x3a, 0x5bd1e995);
    b ^= b >>> 15;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    const len = platform.length + 1 + s.length;
    a = fmix32(a ^ len);
    b = fmix32(b + Math.imul(len, 0x9e3779b9));
    let slot = a & this.mask;
    while (this.used[slot] !== 0) {
      if (this.h1[slot] === a && this.h2[slot] === b) return false;
      slot = (slot + 1) & this.mask;
    }
    this.h1[slot] = a;
    this.h2[slot] = b;
    this.used[slot] = 1;
    if (++this.size * 2 > this.h1.length) this.grow();
    return true;
  }

  private grow(): void {
    const { h1, h2, used } = this;
    const n = h1.length * 2;
    this.h1 = new Uint32Array(n);
    this.h2 = new Uint32Array(n);
    this.used = new Uint8Array(n);
    this.mask = n - 1;
    for (let s = 0; s < used.length; s++) {
      if (!used[s]) continue;
      let slot = h1[s] & this.mask;
      while (this.used[slot] !== 0) slot = (slot + 1) & this.mask;
      this.h1[slot] = h1[s];
      this.h2[slot] = h2[s];
      this.used[slot] = 1;
    }
  }
}


function partitionCount(file: string, memoryMb: number | null | undefined): number {
  if (memoryMb === null || memoryMb === undefined) return 1;
  let bytes = 0;
  try {
    const st = fs.statSync(file);
    bytes = st.size;
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(2);
    fs.readSync(fd, head, 0, 2, 0);
    fs.closeSync(fd);
    // gzip: CSV of posts compresses ~4×
    if (head[0] === 0x1f && head[1] === 0x8b) bytes *= 4;
  } catch {
    return 1;
  }
  const budget = Math.max(1, memoryMb) * 1024 * 1024;
  return Math.max(1, Math.min(MAX_PARTITIONS, Math.ceil(bytes / (budget / 4))));
}

let scratch = Buffer.allocUnsafe(1 << 16);

/** An entry (x, key) into the partition of its key: keys are partitioned and compared as their UTF-8 bytes. */
function putKey(store: SpillStore, x: number, buf: Uint8Array, s: number, e: number): void {
  const P = store.count;
  let p = 0;
  if (P > 1) {
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], 0x01000193);
    p = (h >>> 0) % P;
  }
  store
    .begin(p, 8 + e - s)
    .int(x)
    .bytes(buf, s, e);
}

function putKeyString(store: SpillStore, x: number, key: string): void {
  if (scratch.length < key.length * 3) scratch = Buffer.allocUnsafe(key.length * 3);
  const n = scratch.write(key, 0, 'utf8');
  putKey(store, x, scratch, 0, n);
}

export async function cntNetworks(opts: CntNetworksOptions): Promise<CntNetworksResult> {
  const { kinds, ro } = opts;
  const timings: { step: string; ms: number }[] = [];
  const format = opts.format ?? opts.read?.format ?? (await detectFormat(opts.file));
  const P = opts.partitions ?? partitionCount(opts.file, opts.memoryMb);
  const spill = P > 1 || (opts.memoryMb !== null && opts.memoryMb !== undefined && opts.partitions !== undefined);
  const dir = spill ? fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), 'coordwatch-networks-')) : null;
  const want = new Set(kinds);
  const stores: SpillStore[] = [];
  const store = (count: number, name: string): SpillStore => {
    const s = new SpillStore(count, dir, name);
    stores.push(s);
    return s;
  };
  try {
    // 1. records → columns; repost targets to their partitions, originals in input order
    let t0 = performance.now();
    const needOriginals = want.has('co_text') || want.has('co_link') || want.has('co_similar');
    let cols = new CntColumnsBuilder();
    let reposts = store(want.has('co_repost') ? P : 0, 'repost');
    let originals = store(needOriginals ? 1 : 0, 'orig');
    /** account number by platform and id */
    let accountIds = new Map<string, Map<string, number>>();
    let lastAccountId = '';
    let lastAccountPlatform = '';
    let lastAccount = -1;
    let accountKeys: string[] = [];
    let profiles: (CanonicalAccount | null)[] = [];
    let handles: (string | null)[] = [];
    let rawIds: string[] = [];
    let accountT = new Float64Array(1024);
    let platforms: string[] = [];
    let seenIds = new IdHashSet();
    let rejected = 0;
    let duplicates = 0;
    /** drops what a read that gave up (NotPlainCsv) took, for the read that follows */
    const reset = (): void => {
      reposts.close();
      originals.close();
      cols = new CntColumnsBuilder();
      reposts = store(want.has('co_repost') ? P : 0, 'repost2');
      originals = store(needOriginals ? 1 : 0, 'orig2');
      accountIds = new Map();
      lastAccountId = '';
      lastAccountPlatform = '';
      lastAccount = -1;
      accountKeys = [];
      profiles = [];
      handles = [];
      rawIds = [];
      accountT = new Float64Array(1024);
      platforms = [];
      seenIds = new IdHashSet();
      rejected = 0;
      duplicates = 0;
      lastPlatform = '';
    };
    let lastPlatform = '';
    let reader = '';
    const take = (
      platform: string,
      postId: string,
      accountId: string,
      profile: CanonicalAccount | null,
      handle: string | null,
      t: number,
      repostOf: string | null,
      text: string,
      urls: readonly string[],
      /** the repost target's UTF-8 bytes, when the scanner has them (repostOf is then not read) */
      raw: Uint8Array | null = null,
      rawStart = 0,
      rawEnd = 0,
    ): void => {
      if (platform !== lastPlatform) {
        lastPlatform = platform;
        if (!platforms.includes(platform)) platforms.push(platform);
      }
      if (!seenIds.add(platform, postId)) {
        duplicates++;
        return;
      }
      // inputs come grouped by author or in bursts per author: no lookup while the account repeats
      let a: number | undefined;
      if (accountId === lastAccountId && platform === lastAccountPlatform) a = lastAccount;
      else {
        let ids = accountIds.get(platform);
        if (ids === undefined) accountIds.set(platform, (ids = new Map()));
        a = ids.get(accountId);
        if (a === undefined) {
          a = accountKeys.length;
          ids.set(accountId, a);
        }
        lastAccountId = accountId;
        lastAccountPlatform = platform;
        lastAccount = a;
      }
      // the account table's rule (loadCorePosts): the profile of the latest post
      if (a === accountKeys.length) {
        const key = accountKey(platform, accountId);
        accountKeys.push(key);
        rawIds.push(accountId);
        profiles.push(profile);
        handles.push(handle);
        if (a === accountT.length) {
          const next = new Float64Array(a * 2);
          next.set(accountT);
          accountT = next;
        }
        accountT[a] = t;
      } else if (t >= accountT[a]) {
        profiles[a] = profile;
        handles[a] = handle;
        accountT[a] = t;
      }
      const original = repostOf === null;
      const i = cols.add(t, a, original);
      if (!original) {
        if (reposts.count > 0) {
          if (raw !== null) putKey(reposts, i, raw, rawStart, rawEnd);
          else putKeyString(reposts, i, repostOf);
        }
      } else if (originals.count > 0) {
        let size = 12 + 3 * text.length;
        for (const u of urls) size += 4 + 3 * u.length;
        originals.begin(0, size).int(i).str(text).int(urls.length);
        for (const u of urls) originals.str(u);
      }
    };
    if (format === 'cnt-csv' && opts.read === undefined) {
      const onPost = (f: CntFields): void => take(f.platform, f.postId, f.accountId, null, f.handle, f.t, f.repostOf, f.text, f.urls, f.raw, f.rawStart, f.rawEnd);
      let counts: { rejected: number };
      try {
        // the byte scanner; a file outside what it reads exactly is read again row by row
        counts = await readCntFields(opts.file, onPost, { scan: true });
        reader = 'scan';
      } catch (err) {
        if (!(err instanceof NotPlainCsv)) throw err;
        reset();
        counts = await readCntFields(opts.file, onPost);
        reader = `rows (${err.message})`;
      }
      rejected = counts.rejected;
    } else {
      reader = 'records';
      for await (const batch of readRecordBatches(opts.file, { ...opts.read, format })) {
        for (const rec of batch) {
          if (!rec.ok) {
            rejected++;
            continue;
          }
          const post = rec.post;
          take(post.platform, post.post_id, post.account.id, post.account, post.account.handle, Math.round(Date.parse(post.posted_at)) / 1000, post.repost_of, post.text, post.urls);
        }
      }
    }
    timings.push({ step: 'load', ms: performance.now() - t0 });

    t0 = performance.now();
    const postCount = cols.size;
    // the id hashes and (once ordered) the input-order columns are not needed any more
    seenIds = new IdHashSet();
    const prep = prepareColumns(cols, accountKeys);
    cols = new CntColumnsBuilder();
    const { rankOf } = prep;
    timings.push({ step: 'prepare', ms: performance.now() - t0 });

    // 2. originals → co_tweet keys, links and token hashes, in their partitions / slabs
    t0 = performance.now();
    const texts = store(want.has('co_text') ? P : 0, 'text');
    const links = store(want.has('co_link') ? P : 0, 'link');
    const linkCount = want.has('co_link') ? new Uint8Array(prep.n) : null;
    const textPartner = want.has('co_text') ? columnsWithPartner(prep, ro.kind('co_text').window) : null;
    const simKo = want.has('co_similar') ? ro.kind('co_similar') : null;
    const simPartner = simKo ? (textPartner && simKo.window === ro.kind('co_text').window ? textPartner : columnsWithPartner(prep, simKo.window)) : null;
    const cuts = simPartner ? similarSlabs(prep, simPartner, P) : new Int32Array([0, prep.n]);
    const nSlabs = cuts.length - 1;
    const slabLo = new Float64Array(nSlabs);
    const slabHi = new Float64Array(nSlabs);
    for (let k = 0; k < nSlabs; k++) [slabLo[k], slabHi[k]] = slabReach(prep, cuts[k], cuts[k + 1], simKo?.window ?? 0);
    const similar = store(simPartner ? nSlabs : 0, 'similar');
    const hashes = newTokenHashes();
    if (originals.count > 0) {
      const seen: string[] = [];
      originals.forEach(0, (rd: RecordReader) => {
        const i = rd.int();
        const text = rd.str();
        const nUrls = rd.int();
        const r = rankOf[i];
        seen.length = 0;
        for (let k = 0; k < nUrls; k++) {
          const u = rd.str();
          // CNT compares the URL strings it was given, verbatim, each once per message
          if (linkCount && r >= 0 && u.length > 0 && !seen.includes(u)) {
            seen.push(u);
            putKeyString(links, r, u);
          }
        }
        if (r < 0) return;
        if (linkCount) linkCount[r] = Math.min(255, seen.length);
        if (textPartner && textPartner[r]) {
          putKeyString(texts, r, cntMessagePreprocess(text));
        }
        if (simPartner && simPartner[r]) {
          hashes.n = 0;
          cntTokenHashesInto(text, hashes);
          const m = hashes.n;
          if (m === 0) return;
          const tr = prep.t[r];
          // the slabs whose reach holds this time: a run of consecutive slabs
          let lo = 0;
          let hi = nSlabs;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (slabHi[mid] < tr) lo = mid + 1;
            else hi = mid;
          }
          for (let k = lo; k < nSlabs && slabLo[k] <= tr; k++) {
            similar
              .begin(k, 8 + 8 * m)
              .int(r)
              .int(m)
              .u32(hashes.h1, m)
              .u32(hashes.h2, m);
          }
        }
      });
    }
    timings.push({ step: 'objects', ms: performance.now() - t0 });

    // 3. counts, one partition at a time
    const edgesByKind = new Map<CoActionKind, Edge[]>();
    let s1 = new Uint32Array(256);
    let s2 = new Uint32Array(256);
    for (const kind of kinds) {
      t0 = performance.now();
      const ko = ro.kind(kind);
      if (kind === 'co_similar') {
        const counter = new SimilarCounter(prep, ko.window, ko.threshold);
        for (let k = 0; k < nSlabs; k++) {
          counter.slab(cuts[k], cuts[k + 1], (add) =>
            similar.forEach(k, (rd) => {
              const r = rd.int();
              const m = rd.int();
              if (s1.length < m) {
                s1 = new Uint32Array(m * 2);
                s2 = new Uint32Array(m * 2);
              }
              rd.u32(s1, m);
              rd.u32(s2, m);
              add(r, s1, s2, m);
            }),
          );
        }
        edgesByKind.set(kind, counter.edges(ko.minWeight));
      } else {
        const src = kind === 'co_repost' ? reposts : kind === 'co_text' ? texts : kind === 'co_link' ? links : null;
        if (src === null) throw new Error(`${kind} has no columnar --compat cnt path`);
        const counter = new ObjectKindCounter(prep, ko.window, kind === 'co_link' ? linkCount : null);
        const byIndex = kind === 'co_repost';
        for (let p = 0; p < src.count; p++) {
          counter.partition((add) =>
            src.forEach(p, (rd) => {
              const x = rd.int();
              const len = rd.ref();
              const r = byIndex ? rankOf[x] : x;
              if (r >= 0) add(r, rd.buf, rd.refStart, len);
            }),
          );
        }
        edgesByKind.set(kind, counter.edges(kind, ko.minWeight));
      }
      timings.push({ step: kind, ms: performance.now() - t0 });
    }
    const accounts = new Map<string, CanonicalAccount>();
    for (let a = 0; a < accountKeys.length; a++) {
      accounts.set(
        accountKeys[a],
        profiles[a] ?? { id: rawIds[a], handle: handles[a], display_name: null, bio: null, created_at: null, followers: null, following: null, location: null, avatar_hash: null },
      );
    }
    return {
      postCount,
      accounts,
      platforms,
      edgesByKind,
      rejected,
      duplicates,
      format,
      partitions: P,
      reader,
      spilledBytes: stores.reduce((s, x) => s + x.spilled, 0),
      timings,
    };
  } finally {
    for (const s of stores) s.close();
    if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
  }
}
