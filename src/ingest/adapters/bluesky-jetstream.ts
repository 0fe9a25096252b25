import type { ParsedRecord } from '../../core/types.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { accepted, kindOf, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import { validatePost } from '../read/validate.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';

/**
 * Bluesky Jetstream v1 events, one JSON object per line (`{did, time_us, kind, commit|identity|
 * account}`), as a capture file or live from `coordwatch stream bluesky` (src/ingest/live/).
 *
 * Commits become records keyed by their AT URI (`at://<did>/<collection>/<rkey>`, unique and
 * stable, so a replayed event is a duplicate, not a second post):
 * - `app.bsky.feed.post` create: a post (text, langs, facets → links/hashtags/mentions, reply
 *   parent → reply_to, image/video blob CIDs → media_hashes);
 * - `app.bsky.feed.repost`: repost_of = the subject post's URI;
 * - `app.bsky.feed.like`: an action with no text, object `like:<subject URI>` (co_like);
 * - `app.bsky.graph.follow`: an action with no text, object `follow:<subject DID>`.
 * Deletes are recorded (a rejected record saying what was deleted), not ingested as posts;
 * identity and account events update the DID → handle map and are not records.
 *
 * Times: `posted_at` is Jetstream's `time_us` (when the relay saw the event), not the record's
 * client-set `createdAt`, which an operator can backdate at will; co-action timing must rest on
 * the observed time.
 */

type Json = Record<string, unknown>;

export const JETSTREAM_COLLECTIONS = [
  'app.bsky.feed.post',
  'app.bsky.feed.repost',
  'app.bsky.feed.like',
  'app.bsky.graph.follow',
] as const;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** DID → handle, from identity events (Jetstream ≥ 0.2 carries the handle) or DID documents. */
export type HandleMap = Map<string, string>;

/** Handles of a `{ did: DID document }` map (`alsoKnownAs: ["at://handle"]`). */
export function handlesFromDidDocs(docs: unknown, into: HandleMap = new Map()): HandleMap {
  if (!isObject(docs)) return into;
  for (const [did, doc] of Object.entries(docs)) {
    if (!isObject(doc) || !Array.isArray(doc.alsoKnownAs)) continue;
    const aka = doc.alsoKnownAs.find((x): x is string => typeof x === 'string' && x.startsWith('at://'));
    if (aka !== undefined) into.set(typeof doc.id === 'string' ? doc.id : did, aka.slice(5));
  }
  return into;
}

export function atUri(did: string, collection: string, rkey: string): string {
  return `at://${did}/${collection}/${rkey}`;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** Links, hashtags and mention DIDs of a post's rich-text facets. */
export function facetLists(record: Json, handles: HandleMap | null): { urls: string[]; hashtags: string[]; mentions: string[] } {
  const urls: string[] = [];
  const hashtags: string[] = [];
  const mentions: string[] = [];
  if (Array.isArray(record.facets)) {
    for (const f of record.facets) {
      if (!isObject(f) || !Array.isArray(f.features)) continue;
      for (const ft of f.features) {
        if (!isObject(ft)) continue;
        const t = ft.$type;
        if (t === 'app.bsky.richtext.facet#link' && typeof ft.uri === 'string') {
          if (!urls.includes(ft.uri)) urls.push(ft.uri);
        } else if (t === 'app.bsky.richtext.facet#tag' && typeof ft.tag === 'string') {
          const tag = ft.tag.replace(/^#/, '').toLowerCase();
          if (tag.length > 0 && !hashtags.includes(tag)) hashtags.push(tag);
        } else if (t === 'app.bsky.richtext.facet#mention' && typeof ft.did === 'string') {
          const m = (handles?.get(ft.did) ?? ft.did).toLowerCase();
          if (!mentions.includes(m)) mentions.push(m);
        }
      }
    }
  }
  if (Array.isArray(record.tags)) {
    for (const t of record.tags) {
      if (typeof t !== 'string') continue;
      const tag = t.replace(/^#/, '').toLowerCase();
      if (tag.length > 0 && !hashtags.includes(tag)) hashtags.push(tag);
    }
  }
  const ext = embedExternal(record.embed);
  if (ext !== null && !urls.includes(ext)) urls.push(ext);
  return { urls, hashtags, mentions };
}

function embedExternal(embed: unknown): string | null {
  if (!isObject(embed)) return null;
  if (isObject(embed.external) && typeof embed.external.uri === 'string') return embed.external.uri;
  return isObject(embed.media) ? embedExternal(embed.media) : null;
}

/** Content ids (CIDs) of attached images, video and link-card thumbnails: the same bytes give the same CID (C7). */
export function blobCids(embed: unknown): string[] {
  const out: string[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (!isObject(e) || depth > 3) return;
    const link = (b: unknown): void => {
      if (isObject(b) && isObject(b.ref) && typeof b.ref.$link === 'string' && !out.includes(b.ref.$link)) out.push(b.ref.$link);
    };
    if (Array.isArray(e.images)) for (const im of e.images) if (isObject(im)) link(im.image);
    if (e.video !== undefined) link(e.video);
    // a link card's thumbnail is an uploaded blob too (GIF replies are a card and no text)
    if (isObject(e.external)) link(e.external.thumb);
    if (e.media !== undefined) visit(e.media, depth + 1);
  };
  visit(embed, 0);
  return out;
}

function langOf(record: Json): string | null {
  return Array.isArray(record.langs) && typeof record.langs[0] === 'string' ? record.langs[0] : null;
}

function subjectUri(record: Json): string | null {
  return isObject(record.subject) ? str(record.subject.uri) : null;
}

/** What one event gives: a loose record to validate, a recorded non-post (delete…), or nothing. */
export type JetstreamItem =
  | { kind: 'record'; loose: LoosePost; objects: string[] }
  | { kind: 'recorded'; reason: string }
  | { kind: 'skip'; reason: string };

/** The record of one Jetstream event. `handles` is read and, from identity events, updated. */
export function jetstreamItem(ev: unknown, handles: HandleMap): JetstreamItem {
  if (!isObject(ev)) return { kind: 'recorded', reason: `expected a Jetstream event object, got ${kindOf(ev)}` };
  const did = str(ev.did);
  const kind = ev.kind;
  if (kind === 'identity' || kind === 'account') {
    const body = isObject(ev[kind]) ? (ev[kind] as Json) : {};
    const handle = str(body.handle);
    if (did !== null && handle !== null) handles.set(did, handle);
    return { kind: 'skip', reason: `not a post: ${kind} event` };
  }
  if (kind !== 'commit') return { kind: 'recorded', reason: `not a Jetstream commit: kind ${JSON.stringify(kind ?? null)}` };
  const c = ev.commit;
  if (did === null || !isObject(c)) return { kind: 'recorded', reason: 'commit event without did or commit' };
  const collection = str(c.collection);
  const rkey = str(c.rkey);
  if (collection === null || rkey === null) return { kind: 'recorded', reason: 'commit without collection or rkey' };
  const uri = atUri(did, collection, rkey);
  if (c.operation === 'delete') return { kind: 'recorded', reason: `delete of ${uri} (recorded, not ingested as a post)` };
  if (!(JETSTREAM_COLLECTIONS as readonly string[]).includes(collection)) {
    return { kind: 'recorded', reason: `not ingested: collection ${collection}` };
  }
  if (c.operation === 'update' && collection !== 'app.bsky.feed.post') {
    return { kind: 'recorded', reason: `not ingested: update of ${uri}` };
  }
  const record = isObject(c.record) ? c.record : null;
  if (record === null) return { kind: 'recorded', reason: `${c.operation ?? 'commit'} of ${uri} has no record` };
  const timeUs = typeof ev.time_us === 'number' ? ev.time_us : NaN;
  const postedAt = Number.isFinite(timeUs) ? Math.floor(timeUs / 1000) : record.createdAt;
  const base: LoosePost = {
    platform: 'bluesky',
    post_id: uri,
    posted_at: postedAt,
    text: '',
    lang: langOf(record),
    urls: [],
    hashtags: [],
    mentions: [],
    repost_of: null,
    reply_to: null,
    account: { id: did, handle: handles.get(did) ?? null },
  };
  switch (collection) {
    case 'app.bsky.feed.post': {
      const lists = facetLists(record, handles);
      const reply = isObject(record.reply) && isObject(record.reply.parent) ? str(record.reply.parent.uri) : null;
      return {
        kind: 'record',
        loose: { ...base, text: record.text, ...lists, reply_to: reply, media_hashes: blobCids(record.embed) },
        objects: [],
      };
    }
    case 'app.bsky.feed.repost': {
      const s = subjectUri(record);
      if (s === null) return { kind: 'recorded', reason: `repost ${uri} has no subject` };
      return { kind: 'record', loose: { ...base, repost_of: s }, objects: [] };
    }
    case 'app.bsky.feed.like': {
      const s = subjectUri(record);
      if (s === null) return { kind: 'recorded', reason: `like ${uri} has no subject` };
      return { kind: 'record', loose: base, objects: [`like:${s}`] };
    }
    default: {
      const s = str(record.subject);
      if (s === null) return { kind: 'recorded', reason: `follow ${uri} has no subject` };
      return { kind: 'record', loose: base, objects: [`follow:${s}`] };
    }
  }
}

/** The record of an event's item (a skipped item becomes a rejected record with its reason). */
export function itemRecord(it: JetstreamItem, raw: string, file: string, line: number, ctx: ReadContext): ParsedRecord {
  if (it.kind !== 'record') return rejected(file, line, null, raw, it.reason);
  const r = validatePost({ ...it.loose, objects: it.objects }, ctx, raw.includes('\\u0000'));
  return typeof r === 'string' ? rejected(file, line, null, raw, r) : accepted(r, file, line, null);
}

export function readJetstream(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  const handles: HandleMap = new Map();
  // identity and account events are bookkeeping, not posts; a capture file still names them,
  // so they come through as rejected records with their reason (never dropped silently)
  return readJsonRecords(bytes, ctx, (value, it, out) => out.push(itemRecord(jetstreamItem(value, handles), it.text, ctx.file, it.line, ctx)));
}

export const blueskyJetstream = defineAdapter({
  name: 'bluesky-jetstream',
  description: 'Bluesky Jetstream events, one per line (posts, reposts, likes, follows; deletes recorded); also `coordwatch stream bluesky`',
  defaultPlatform: 'bluesky',
  sniffJson: (o) => ('did' in o && 'time_us' in o && 'kind' in o ? 100 : null),
  sniffText: (text) => (text.includes('"time_us"') && text.includes('"kind"') && text.includes('"did"') ? 100 : null),
  read: readJetstream,
});
