import fs from 'node:fs';
import zlib from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { CanonicalAccount, CanonicalPost, CorePost } from '../core/types.ts';
import { detectFormat, InputError, readRecords, type InputFormat, type ReadOptions } from '../ingest/index.ts';

/**
 * Loads a file into the compact posts the detection core works on, for `coordwatch networks`,
 * `eval` and the benchmarks (no database involved).
 *
 * CNT's 8-column CSV and canonical NDJSON (gzip or not) take dedicated fast paths: a byte-level
 * CSV scanner that decodes only the fields it keeps, and line-wise JSON.parse. Every other format
 * goes through the ingest adapters (`readRecords`). Either way a post id seen twice keeps its
 * first record (CNT's `insert or ignore`), and unreadable records are counted, not dropped
 * silently.
 */
export interface LoadOptions {
  /** skip detection */
  format?: InputFormat;
  /**
   * Extract hashtags and mentions from the text where the source has no such fields (CNT CSV).
   * Costs a regex per post; `coordwatch networks` turns it off unless co_hashtag_seq is wanted.
   * Default true.
   */
  extractEntities?: boolean;
  /**
   * Keep the text and links of reposts (default true). Every co-action kind ignores them (a repost
   * carries someone else's words), so `coordwatch networks` drops them: on retweet-heavy data that
   * is most of the text, and of the memory. Applies to the CNT CSV fast path.
   */
  repostText?: boolean;
  /** passed to the ingest adapters for the other formats */
  read?: ReadOptions;
}

export interface LoadedPosts {
  posts: CorePost[];
  accounts: Map<string, CanonicalAccount>;
  /** records that could not be read */
  rejected: number;
  /** records whose post id was already seen (first kept) */
  duplicates: number;
  format: InputFormat;
}

const EMPTY: string[] = Object.freeze([]) as unknown as string[];
const HASHTAG_RE = /#([\p{L}\p{N}\p{M}_]+)/gu;
const MENTION_RE = /(?:^|[^\p{L}\p{N}_])@([A-Za-z0-9_]{1,50})/gu;

function entities(text: string, re: RegExp, marker: string): string[] {
  if (!text.includes(marker)) return EMPTY;
  const out: string[] = [];
  for (const m of text.matchAll(re)) out.push(m[1]);
  return out.length === 0 ? EMPTY : out;
}

function splitUrls(field: string): string[] {
  if (!field.includes(' ')) return [field];
  const out = field.split(' ').filter((u) => u.length > 0);
  return out.length === 0 ? EMPTY : out;
}

function emptyAccount(id: string, handle: string | null): CanonicalAccount {
  return { id, handle, display_name: null, bio: null, created_at: null, followers: null, following: null, location: null, avatar_hash: null };
}

async function* bytesOf(path: string): AsyncGenerator<Buffer> {
  const fd = await fs.promises.open(path, 'r');
  const head = Buffer.alloc(2);
  await fd.read(head, 0, 2, 0);
  await fd.close();
  const raw = fs.createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
  const stream = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(zlib.createGunzip({ chunkSize: 4 * 1024 * 1024 })) : raw;
  for await (const chunk of stream) yield chunk as Buffer;
}

/**
 * Interning of short byte strings (account ids, repost ids) straight from a read buffer: a field
 * already seen is found by hash and byte comparison and its existing JS string returned, so the
 * CSV loader creates one string per distinct id instead of one per row — millions of rows share
 * a few thousand accounts and reposted posts.
 */
class ByteInterner {
  private index = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private hashes = new Uint32Array(1024);
  private starts = new Int32Array(1025);
  private slab = new Uint8Array(1 << 16);
  private used = 0;
  readonly strings: string[] = [];

  /** FNV-1a over bytes. */
  static hash(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h >>> 0;
  }

  intern(buf: Buffer, s: number, e: number): string {
    const h = ByteInterner.hash(buf, s, e);
    const len = e - s;
    let slot = h & this.mask;
    for (;;) {
      const id1 = this.index[slot];
      if (id1 === 0) break;
      const id = id1 - 1;
      if (this.hashes[id] === h && this.starts[id + 1] - this.starts[id] === len) {
        const off = this.starts[id];
        let same = true;
        for (let k = 0; k < len; k++) {
          if (this.slab[off + k] !== buf[s + k]) {
            same = false;
            break;
          }
        }
        if (same) return this.strings[id];
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.strings.length;
    const str = buf.toString('utf8', s, e);
    this.strings.push(str);
    if (id + 2 > this.hashes.length) {
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    while (this.used + len > this.slab.length) {
      const slab = new Uint8Array(this.slab.length * 2);
      slab.set(this.slab);
      this.slab = slab;
    }
    this.slab.set(buf.subarray(s, e), this.used);
    this.used += len;
    this.hashes[id] = h;
    this.starts[id + 1] = this.used;
    this.index[slot] = id + 1;
    if ((id + 1) * 2 > this.index.length) this.rehash();
    return str;
  }

  private rehash(): void {
    const size = this.index.length * 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = this.hashes[id] & this.mask;
      while (this.index[slot] !== 0) slot = (slot + 1) & this.mask;
      this.index[slot] = id + 1;
    }
  }
}

/**
 * Set of post ids for "first record wins", keyed by the id's byte hash with the string compared
 * only on a hash match: a JS Set of millions of strings costs several times the memory and time.
 */
class IdSet {
  private index = new Int32Array(1 << 16);
  private mask = (1 << 16) - 1;
  private hashes = new Uint32Array(1 << 15);
  private count = 0;

  /** true if `key` (whose bytes hash to `h`) was new; `keyOf(i)` gives the i-th added key. */
  add(h: number, key: string, keyOf: (i: number) => string): boolean {
    let slot = h & this.mask;
    for (;;) {
      const i1 = this.index[slot];
      if (i1 === 0) break;
      if (this.hashes[i1 - 1] === h && keyOf(i1 - 1) === key) return false;
      slot = (slot + 1) & this.mask;
    }
    const i = this.count++;
    if (i >= this.hashes.length) {
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[i] = h;
    this.index[slot] = i + 1;
    if (this.count * 2 > this.index.length) {
      const size = this.index.length * 2;
      this.index = new Int32Array(size);
      this.mask = size - 1;
      for (let k = 0; k < this.count; k++) {
        let s = this.hashes[k] & this.mask;
        while (this.index[s] !== 0) s = (s + 1) & this.mask;
        this.index[s] = k + 1;
      }
    }
    return true;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const CNT_HEADER = ['message_id', 'user_id', 'username', 'repost_id', 'reply_id', 'message', 'timestamp', 'urls'];

/**
 * CNT CSV (`message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`, RFC 4180
 * quoting, fields may span lines) scanned on raw bytes: the separators are ASCII, so UTF-8 needs no
 * decoding to find them, and only the kept fields are turned into strings.
 */
async function loadCntCsv(path: string, opts: LoadOptions): Promise<LoadedPosts> {
  const extract = opts.extractEntities ?? true;
  const posts: CorePost[] = [];
  const accounts = new Map<string, CanonicalAccount>();
  const accountIds = new ByteInterner();
  const repostIds = new ByteInterner();
  const ids = new IdSet();
  const keyOf = (i: number): string => posts[i].key;
  // rows come grouped by author in most exports: the previous row's account is checked first
  let lastUser = '';
  let lastUserLen = -1;
  const lastUserBytes = new Uint8Array(256);
  const sameAsLastUser = (buf: Buffer, s: number, e: number): boolean => {
    if (e - s !== lastUserLen) return false;
    for (let k = 0; k < lastUserLen; k++) if (buf[s + k] !== lastUserBytes[k]) return false;
    return true;
  };
  const keepRepostText = opts.repostText ?? true;
  let rejected = 0;
  let duplicates = 0;
  let header: string[] | null = null;

  const fs0 = new Int32Array(64);
  const fe0 = new Int32Array(64);
  const fq = new Uint8Array(64);

  const field = (buf: Buffer, k: number): string => {
    const s = buf.toString('utf8', fs0[k], fe0[k]);
    return fq[k] === 2 ? s.replaceAll('""', '"') : s;
  };

  const onRecord = (buf: Buffer, nf: number): void => {
    if (header === null) {
      header = [];
      for (let k = 0; k < nf; k++) header.push(field(buf, k).replace(/^\ufeff/, '').trim());
      if (header.length < 8 || CNT_HEADER.some((h, i) => header![i] !== h)) {
        throw new InputError(`${path}: not coordination-network-toolkit CSV (header ${header.slice(0, 8).join(',')})`);
      }
      return;
    }
    if (nf === 1 && fe0[0] === fs0[0]) return; // blank line
    if (nf !== 8) {
      rejected++;
      return;
    }
    const key = field(buf, 0);
    const user = fq[1] === 2 ? field(buf, 1) : '';
    // timestamp: digits parsed in place; anything else through Number()
    let t = 0;
    let digits = fe0[6] > fs0[6];
    for (let i = fs0[6]; i < fe0[6]; i++) {
      const c = buf[i];
      if (c < 0x30 || c > 0x39) {
        digits = false;
        break;
      }
      t = t * 10 + (c - 0x30);
    }
    if (!digits) t = Number(field(buf, 6));
    if (key.length === 0 || fe0[1] === fs0[1] || !Number.isFinite(t)) {
      rejected++;
      return;
    }
    if (!ids.add(ByteInterner.hash(buf, fs0[0], fe0[0]), key, keyOf)) {
      duplicates++;
      return;
    }
    let account: string;
    if (fq[1] === 2) account = user;
    else if (sameAsLastUser(buf, fs0[1], fe0[1])) account = lastUser;
    else {
      account = accountIds.intern(buf, fs0[1], fe0[1]);
      lastUser = account;
      lastUserLen = Math.min(fe0[1] - fs0[1], lastUserBytes.length);
      lastUserBytes.set(buf.subarray(fs0[1], fs0[1] + lastUserLen));
      if (lastUserLen !== fe0[1] - fs0[1]) lastUserLen = -1;
      if (!accounts.has(account)) accounts.set(account, emptyAccount(account, field(buf, 2) || null));
    }
    let repostOf: string | null = null;
    if (fe0[3] > fs0[3]) repostOf = fq[3] === 2 ? field(buf, 3) : repostIds.intern(buf, fs0[3], fe0[3]);
    const replyTo = fe0[4] > fs0[4] ? field(buf, 4) : null;
    const text = repostOf !== null && !keepRepostText ? '' : field(buf, 5);
    const urlField = fe0[7] > fs0[7] && (repostOf === null || keepRepostText) ? field(buf, 7) : '';
    const urls = urlField.length === 0 ? EMPTY : splitUrls(urlField);
    posts.push({
      key,
      account,
      t,
      text,
      lang: null,
      urls: urls.length === 0 ? EMPTY : urls,
      hashtags: extract ? entities(text, HASHTAG_RE, '#') : EMPTY,
      mentions: extract ? entities(text, MENTION_RE, '@') : EMPTY,
      repost_of: repostOf,
      reply_to: replyTo,
      media_hashes: EMPTY,
    });
  };

  /** Parses the complete records of `buf` from `pos`; returns where the unfinished one starts. */
  const scan = (buf: Buffer, pos: number): number => {
    const n = buf.length;
    let recStart = pos;
    outer: while (recStart < n) {
      let i = recStart;
      let nf = 0;
      // end of the physical line: bounds the native comma search of unquoted fields
      let lineEnd = buf.indexOf(LF, i);
      if (lineEnd === -1) lineEnd = n;
      for (;;) {
        if (nf === 64) {
          // absurd column count: skip to the end of the line
          while (i < n && buf[i] !== LF) i++;
          if (i >= n) break outer;
          rejected++;
          recStart = i + 1;
          continue outer;
        }
        if (i < n && buf[i] === QUOTE) {
          let j = i + 1;
          let escaped = false;
          for (;;) {
            j = buf.indexOf(QUOTE, j);
            if (j === -1 || j + 1 >= n) break outer; // the record continues in the next chunk
            if (buf[j + 1] !== QUOTE) break;
            escaped = true;
            j += 2;
          }
          fs0[nf] = i + 1;
          fe0[nf] = j;
          fq[nf] = escaped ? 2 : 1;
          nf++;
          // anything between a closing quote and the separator is dropped, as Python's csv does
          i = j + 1;
          while (i < n && buf[i] !== COMMA && buf[i] !== LF) i++;
          if (i > lineEnd) {
            lineEnd = buf.indexOf(LF, i);
            if (lineEnd === -1) lineEnd = n;
          }
        } else {
          // an unquoted field holds no comma and no newline: its end is the next of either
          let j = buf.indexOf(COMMA, i);
          if (j === -1 || j > lineEnd) j = lineEnd;
          fs0[nf] = i;
          fe0[nf] = j > i && buf[j - 1] === CR && j < n && buf[j] === LF ? j - 1 : j;
          fq[nf] = 0;
          nf++;
          i = j;
        }
        if (i >= n) break outer;
        if (buf[i] === COMMA) {
          i++;
          continue;
        }
        onRecord(buf, nf);
        recStart = i + 1;
        break;
      }
    }
    return recStart;
  };

  let carry: Buffer | null = null;
  let first = true;
  for await (const chunk of bytesOf(path)) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    const rest = scan(buf, pos);
    carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : null;
  }
  if (carry && carry.length > 0) {
    // the last record has no newline; an unterminated quote leaves it unparsed
    const tail = Buffer.concat([carry, Buffer.from('\n')]);
    if (scan(tail, 0) < tail.length) rejected++;
  }
  if (header === null) throw new InputError(`${path}: empty file`);
  return { posts, accounts, rejected, duplicates, format: 'cnt-csv' };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
}

function strList(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) return EMPTY;
  const out = v.filter((x): x is string => typeof x === 'string' && x.length > 0);
  return out.length === 0 ? EMPTY : out;
}

function accountOf(raw: Record<string, unknown>, id: string): CanonicalAccount {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    id,
    handle: str(raw.handle),
    display_name: str(raw.display_name),
    bio: str(raw.bio),
    created_at: str(raw.created_at),
    followers: num(raw.followers),
    following: num(raw.following),
    location: str(raw.location),
    avatar_hash: str(raw.avatar_hash),
  };
}

/** Canonical NDJSON: one post per line; a line that is not a usable post is counted as rejected. */
async function loadNdjson(path: string, opts: LoadOptions): Promise<LoadedPosts> {
  const extract = opts.extractEntities ?? true;
  const posts: CorePost[] = [];
  const platforms: string[] = [];
  const accounts = new Map<string, CanonicalAccount>();
  const seen = new Set<string>();
  let rejected = 0;
  let duplicates = 0;
  const decoder = new StringDecoder('utf8');
  let rest = '';

  const onLine = (line: string): void => {
    if (line.trim().length === 0) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      rejected++;
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      rejected++;
      return;
    }
    const o = v as Record<string, unknown>;
    const acc = o.account;
    const postId = str(o.post_id);
    const platform = str(o.platform) ?? 'x';
    const t = typeof o.posted_at === 'string' ? Date.parse(o.posted_at) / 1000 : NaN;
    const accRaw = typeof acc === 'object' && acc !== null ? (acc as Record<string, unknown>) : null;
    const accountId = accRaw ? str(accRaw.id) : null;
    const repostOf = str(o.repost_of);
    const text = typeof o.text === 'string' ? o.text : repostOf !== null ? '' : null;
    if (postId === null || accountId === null || !Number.isFinite(t) || text === null || accRaw === null) {
      rejected++;
      return;
    }
    const seenKey = platform + '\u0000' + postId;
    if (seen.has(seenKey)) {
      duplicates++;
      return;
    }
    seen.add(seenKey);
    if (!platforms.includes(platform)) platforms.push(platform);
    accounts.set(accountId, accountOf(accRaw, accountId));
    let hashtags = strList(o.hashtags);
    let mentions = strList(o.mentions);
    if (extract && hashtags.length === 0) hashtags = entities(text, HASHTAG_RE, '#');
    if (extract && mentions.length === 0) mentions = entities(text, MENTION_RE, '@');
    posts.push({
      key: platform + ':' + postId,
      account: accountId,
      t,
      text,
      lang: str(o.lang),
      urls: strList(o.urls),
      hashtags,
      mentions,
      repost_of: repostOf,
      reply_to: str(o.reply_to),
      media_hashes: strList(o.media_hashes),
    });
  };

  for await (const chunk of bytesOf(path)) {
    const text = rest + decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      onLine(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  rest += decoder.end();
  if (rest.length > 0) onLine(rest);
  stripSinglePlatform(posts, platforms);
  return { posts, accounts, rejected, duplicates, format: 'ndjson' };
}

/** Keys are `platform:post_id`; with one platform in play the bare post_id is the key (types.ts). */
function stripSinglePlatform(posts: CorePost[], platforms: string[]): void {
  if (platforms.length !== 1) return;
  const cut = platforms[0].length + 1;
  for (const p of posts) p.key = p.key.slice(cut);
}

function fromCanonical(post: CanonicalPost, extract: boolean): CorePost {
  const hashtags = post.hashtags.length > 0 || !extract ? post.hashtags : entities(post.text, HASHTAG_RE, '#');
  const mentions = post.mentions.length > 0 || !extract ? post.mentions : entities(post.text, MENTION_RE, '@');
  return {
    key: post.platform + ':' + post.post_id,
    account: post.account.id,
    t: Date.parse(post.posted_at) / 1000,
    text: post.text,
    lang: post.lang,
    urls: post.urls,
    hashtags,
    mentions,
    repost_of: post.repost_of,
    reply_to: post.reply_to,
    media_hashes: post.media_hashes ?? EMPTY,
  };
}

async function loadViaIngest(path: string, format: InputFormat, opts: LoadOptions): Promise<LoadedPosts> {
  const extract = opts.extractEntities ?? true;
  const posts: CorePost[] = [];
  const platforms: string[] = [];
  const accounts = new Map<string, CanonicalAccount>();
  const seen = new Set<string>();
  let rejected = 0;
  let duplicates = 0;
  for await (const rec of readRecords(path, { ...opts.read, format })) {
    if (!rec.ok) {
      rejected++;
      continue;
    }
    const core = fromCanonical(rec.post, extract);
    if (!Number.isFinite(core.t)) {
      rejected++;
      continue;
    }
    if (seen.has(core.key)) {
      duplicates++;
      continue;
    }
    seen.add(core.key);
    if (!platforms.includes(rec.post.platform)) platforms.push(rec.post.platform);
    accounts.set(rec.post.account.id, rec.post.account);
    posts.push(core);
  }
  stripSinglePlatform(posts, platforms);
  return { posts, accounts, rejected, duplicates, format };
}

export async function loadCorePosts(path: string, opts: LoadOptions = {}): Promise<LoadedPosts> {
  const format = opts.format ?? (await detectFormat(path));
  if (format === 'cnt-csv') return loadCntCsv(path, opts);
  if (format === 'ndjson') return loadNdjson(path, opts);
  return loadViaIngest(path, format, opts);
}
