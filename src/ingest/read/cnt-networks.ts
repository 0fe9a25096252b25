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
import {
  cntMessagePreprocess,
  cntTokenHashesInto,
  newTokenHashes,
} from '../../core/text/cnt-text.ts';
import type { CanonicalAccount, Edge } from '../../core/types.ts';
import { readRecordBatches } from '../index.ts';
import type { InputFormat } from '../registry.ts';
import { detectFormat } from '../sniff.ts';
import type { ReadOptions } from '../types.ts';
import { ByteKeys } from '../../core/edges/byte-keys.ts';
import { readCntFields, type CntFields } from './cnt-fast.ts';
import { NotPlainCsv } from './cnt-scan.ts';
import { SpillStore, type RecordReader } from './spill.ts';
import { IdHashSet, sameAscii, scratchBytes, utf8Scratch } from './cnt-intern.ts';

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
  /**
   * partitions (default: from the input's size, and the budget if any); spilled to temp files
   * only with `memoryMb` set, else kept in memory
   */
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

/**
 * Without a budget, input of more than this many (estimated plain) bytes is still counted in
 * partitions, kept in memory: each kind's transient tables (groups, interned keys, the
 * near-same join's token sets) then follow one partition, not the whole input. On the 2.5 M-post
 * bench set (554 MB, 4 partitions) peak RSS fell from ~480 to ~435 MB at the same CPU time;
 * the edges are the same for any partition count.
 */
const IN_MEMORY_PARTITION_BYTES = 160 * 1024 * 1024;

function partitionCount(file: string, memoryMb: number | null | undefined): number {
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
  const per =
    memoryMb === null || memoryMb === undefined
      ? IN_MEMORY_PARTITION_BYTES
      : (Math.max(1, memoryMb) * 1024 * 1024) / 4;
  return Math.max(1, Math.min(MAX_PARTITIONS, Math.ceil(bytes / per)));
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

/** Field k of a scanned row as a string (CntFields.bytes). */
function fieldString(
  buf: Buffer,
  starts: Int32Array,
  ends: Int32Array,
  quoted: Uint8Array,
  k: number,
): string {
  const s = buf.toString('utf8', starts[k], ends[k]);
  return quoted[k] === 2 ? s.replaceAll('""', '"') : s;
}

export async function cntNetworks(opts: CntNetworksOptions): Promise<CntNetworksResult> {
  const { kinds, ro } = opts;
  const timings: { step: string; ms: number }[] = [];
  const format = opts.format ?? opts.read?.format ?? (await detectFormat(opts.file));
  const P = opts.partitions ?? partitionCount(opts.file, opts.memoryMb);
  // temp files only under a budget; without one, partitions stay in memory
  const budgeted = opts.memoryMb !== null && opts.memoryMb !== undefined;
  const spill = budgeted && (P > 1 || opts.partitions !== undefined);
  const dir = spill
    ? fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), 'coordwatch-networks-'))
    : null;
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
    /** account number by platform and id (the id's UTF-8 bytes) */
    let accountIds = new Map<string, ByteKeys>();
    let lastPlatform = '';
    let lastIds: ByteKeys | null = null;
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
      lastPlatform = '';
      lastIds = null;
      accountKeys = [];
      profiles = [];
      handles = [];
      rawIds = [];
      accountT = new Float64Array(1024);
      platforms = [];
      seenIds = new IdHashSet();
      rejected = 0;
      duplicates = 0;
    };
    let reader = '';
    const idsOf = (platform: string): ByteKeys => {
      if (platform !== lastPlatform || lastIds === null) {
        lastPlatform = platform;
        if (!platforms.includes(platform)) platforms.push(platform);
        lastIds = accountIds.get(platform) ?? null;
        if (lastIds === null) accountIds.set(platform, (lastIds = new ByteKeys(true)));
      }
      return lastIds;
    };
    /**
     * The account of id bytes buf[s, e): its number, or −1 − its number when it is new or this
     * post is its latest so far; the caller then calls keep() with the handle and profile (the
     * account table's rule, loadCorePosts: those of the latest post).
     */
    const accountOf = (
      platform: string,
      buf: Uint8Array,
      s: number,
      e: number,
      t: number,
    ): number => {
      const a = idsOf(platform).intern(buf, s, e - s);
      if (a < 0) {
        const n = -1 - a;
        accountKeys.push('');
        rawIds.push('');
        profiles.push(null);
        handles.push(null);
        if (n === accountT.length) {
          const next = new Float64Array(n * 2);
          next.set(accountT);
          accountT = next;
        }
        accountT[n] = t;
        return a;
      }
      if (t >= accountT[a]) {
        accountT[a] = t;
        return -1 - a;
      }
      return a;
    };
    /** the profile and handle of account a's latest post; `id`: a new account's id */
    const keep = (
      platform: string,
      a: number,
      id: string | null,
      profile: CanonicalAccount | null,
      handle: string | null,
    ): void => {
      if (id !== null) {
        accountKeys[a] = accountKey(platform, id);
        rawIds[a] = id;
      }
      profiles[a] = profile;
      handles[a] = handle;
    };
    /** a general reader's post (strings) */
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
    ): void => {
      let n = utf8Scratch(postId);
      if (!seenIds.addBytes(platform, scratchBytes(), 0, n)) {
        duplicates++;
        return;
      }
      n = utf8Scratch(accountId);
      const isNew = accountKeys.length;
      let a = accountOf(platform, scratchBytes(), 0, n, t);
      if (a < 0) {
        a = -1 - a;
        keep(platform, a, a === isNew ? accountId : null, profile, handle);
      }
      const original = repostOf === null;
      const i = cols.add(t, a, original);
      if (!original) {
        if (reposts.count > 0) putKeyString(reposts, i, repostOf);
      } else if (originals.count > 0) {
        let size = 12 + 3 * text.length;
        for (const u of urls) size += 4 + 3 * u.length;
        originals.begin(0, size).int(i).str(text).int(urls.length);
        for (const u of urls) originals.str(u);
      }
    };
    /** the byte scanner's plainly valid row (CntFields.bytes): decoded only where a string is kept */
    const takeBytes = (f: CntFields): void => {
      const buf = f.bytes!;
      const { starts, ends, quoted, platform, t } = f;
      // an id with doubled quotes is compared as its value, as decoded
      if (
        quoted[0] === 2
          ? !seenIds.add(platform, fieldString(buf, starts, ends, quoted, 0))
          : !seenIds.addBytes(platform, buf, starts[0], ends[0])
      ) {
        duplicates++;
        return;
      }
      const isNew = accountKeys.length;
      let a: number;
      let id: string | null = null;
      if (quoted[1] === 2) {
        id = fieldString(buf, starts, ends, quoted, 1);
        const n = utf8Scratch(id);
        a = accountOf(platform, scratchBytes(), 0, n, t);
      } else a = accountOf(platform, buf, starts[1], ends[1], t);
      if (a < 0) {
        a = -1 - a;
        if (a === isNew && id === null) id = buf.toString('utf8', starts[1], ends[1]);
        let handle: string | null = null;
        if (ends[2] !== starts[2]) {
          // the same handle as the account's kept one: no new string
          const kept = handles[a];
          handle =
            kept !== null && quoted[2] !== 2 && sameAscii(kept, buf, starts[2], ends[2])
              ? kept
              : fieldString(buf, starts, ends, quoted, 2);
        }
        keep(platform, a, a === isNew ? id : null, null, handle);
      }
      const original = ends[3] === starts[3];
      const i = cols.add(t, a, original);
      if (!original) {
        if (reposts.count > 0) {
          // a repost target with doubled quotes is keyed by its value
          if (quoted[3] === 2) putKeyString(reposts, i, fieldString(buf, starts, ends, quoted, 3));
          else putKey(reposts, i, buf, starts[3], ends[3]);
        }
      } else if (originals.count > 0) {
        // text and links go in as their UTF-8 bytes: the same record as take()'s str()
        const ts = starts[5];
        const te = ends[5];
        const us = starts[7];
        const ue = ends[7];
        let nUrls = 0;
        for (let k = us, inUrl = false; k < ue; k++) {
          if (buf[k] === 0x20) inUrl = false;
          else if (!inUrl) {
            inUrl = true;
            nUrls++;
          }
        }
        const w = originals.begin(0, 12 + (te - ts) + 4 * nUrls + (ue - us)).int(i);
        if (quoted[5] === 2) w.unquoted(buf, ts, te);
        else w.bytes(buf, ts, te);
        w.int(nUrls);
        for (let k = us; k < ue;) {
          if (buf[k] === 0x20) {
            k++;
            continue;
          }
          let x = k;
          while (x < ue && buf[x] !== 0x20) x++;
          if (quoted[7] === 2) w.unquoted(buf, k, x);
          else w.bytes(buf, k, x);
          k = x;
        }
      }
    };
    if (format === 'cnt-csv' && opts.read === undefined) {
      const onPost = (f: CntFields): void => {
        if (f.bytes !== null) takeBytes(f);
        else
          take(f.platform, f.postId, f.accountId, null, f.handle, f.t, f.repostOf, f.text, f.urls);
      };
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
          take(
            post.platform,
            post.post_id,
            post.account.id,
            post.account,
            post.account.handle,
            Math.round(Date.parse(post.posted_at)) / 1000,
            post.repost_of,
            post.text,
            post.urls,
          );
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
    const textPartner = want.has('co_text')
      ? columnsWithPartner(prep, ro.kind('co_text').window)
      : null;
    const simKo = want.has('co_similar') ? ro.kind('co_similar') : null;
    const simPartner = simKo
      ? textPartner && simKo.window === ro.kind('co_text').window
        ? textPartner
        : columnsWithPartner(prep, simKo.window)
      : null;
    const cuts = simPartner ? similarSlabs(prep, simPartner, P) : new Int32Array([0, prep.n]);
    const nSlabs = cuts.length - 1;
    const slabLo = new Float64Array(nSlabs);
    const slabHi = new Float64Array(nSlabs);
    for (let k = 0; k < nSlabs; k++)
      [slabLo[k], slabHi[k]] = slabReach(prep, cuts[k], cuts[k + 1], simKo?.window ?? 0);
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
        const src =
          kind === 'co_repost'
            ? reposts
            : kind === 'co_text'
              ? texts
              : kind === 'co_link'
                ? links
                : null;
        if (src === null) throw new Error(`${kind} has no columnar --compat cnt path`);
        const counter = new ObjectKindCounter(
          prep,
          ko.window,
          kind === 'co_link' ? linkCount : null,
        );
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
        profiles[a] ?? {
          id: rawIds[a],
          handle: handles[a],
          display_name: null,
          bio: null,
          created_at: null,
          followers: null,
          following: null,
          location: null,
          avatar_hash: null,
        },
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
