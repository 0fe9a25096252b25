import type { ParsedRecord } from '../../core/types.ts';
import { itemRecord, jetstreamItem } from '../adapters/bluesky-jetstream.ts';
import type { HandleMap } from '../adapters/bluesky-jetstream.ts';
import { rejected } from '../read/records.ts';
import type { ReadContext } from '../types.ts';
import { JetstreamClient } from './jetstream-client.ts';
import type { JetstreamClientOptions, JetstreamEvent } from './jetstream-client.ts';

/**
 * Jetstream → ingest queue, resumable. Events are read in chunks (`chunkSize` events or
 * `flushMs`, whichever comes first), turned into records by the bluesky-jetstream adapter, and
 * handed to `produce` (which queues them, waiting while the queue is full: while it waits nothing
 * is read, the client's buffer fills and it pauses the socket). Only after `produce` returns is the
 * cursor saved: the newest `time_us` of the chunk, and the ids (`time_us:did`) of the events
 * within `overlapUs` before it.
 *
 * A restart resumes at `cursor − overlapUs` and drops the events whose ids were saved: no gap
 * (everything after the cursor is replayed, and the overlap covers Jetstream's loose ordering)
 * and no double (the replayed overlap is recognised; posts are idempotent on platform + post_id
 * besides). The one window left: a crash after a chunk is queued and before its cursor is saved
 * replays that chunk; its posts are then duplicates (not stored twice), its non-post records
 * (deletes) are recorded twice.
 */

export interface CursorStore {
  get(name: string): Promise<{ cursorUs: number; seen: readonly string[] } | null>;
  save(name: string, cursorUs: number, seen: readonly string[], events: number): Promise<void>;
}

export interface StreamHooks {
  /** per event read: what became of it */
  onEvent?: (outcome: 'record' | 'rejected' | 'skipped' | 'duplicate', ev: JetstreamEvent) => void;
  /** after a chunk is queued and its cursor saved */
  onChunk?: (info: { records: number; cursorUs: number; lagSeconds: number | null }) => void;
  onConnect?: JetstreamClientOptions['onConnect'];
  onDisconnect?: JetstreamClientOptions['onDisconnect'];
}

export interface StreamOptions {
  /** the cursor row's name, e.g. `bluesky:wss://jetstream2.us-east.bsky.network/subscribe` */
  name: string;
  url: string;
  collections: readonly string[];
  dids?: readonly string[];
  /** where to start when there is no saved cursor: a time_us, or null for live from now */
  startUs: number | null;
  overlapUs: number;
  chunkSize: number;
  flushMs: number;
  /** stop after this many events (tests, benchmarks); default unbounded */
  maxEvents?: number;
  ctx: ReadContext;
  handles?: HandleMap;
  cursors: CursorStore;
  produce: (records: ParsedRecord[]) => Promise<void>;
  hooks?: StreamHooks;
  /** epoch ms; the lag is measured against it */
  now?: () => number;
  client?: Partial<JetstreamClientOptions>;
}

export interface StreamHandle {
  /** resolves when the stream has stopped (stop() or maxEvents), its last chunk queued and saved */
  done: Promise<StreamStats>;
  stop(): Promise<StreamStats>;
  readonly stats: StreamStats;
}

export interface StreamStats {
  events: number;
  records: number;
  rejected: number;
  skipped: number;
  duplicates: number;
  chunks: number;
  cursorUs: number | null;
  connects: number;
  reconnects: number;
}

/** The id of an event for the overlap: its time and repo (one repo's events never share a time_us). */
export function eventKey(ev: JetstreamEvent): string {
  const did = ev.value !== null && typeof ev.value === 'object' ? (ev.value as { did?: unknown }).did : undefined;
  return `${Number.isFinite(ev.timeUs) ? ev.timeUs : 'x'}:${typeof did === 'string' ? did : ev.raw.length}`;
}

function keyTime(k: string): number {
  return Number(k.slice(0, k.indexOf(':')));
}

export async function startJetstreamStream(o: StreamOptions): Promise<StreamHandle> {
  const saved = await o.cursors.get(o.name);
  const seen = new Map<string, number>();
  for (const k of saved?.seen ?? []) seen.set(k, keyTime(k));
  let cursorUs: number | null = saved?.cursorUs ?? null;
  const startUs = saved !== null ? saved.cursorUs - o.overlapUs : o.startUs;
  const now = o.now ?? Date.now;
  const handles: HandleMap = o.handles ?? new Map();
  const stats: StreamStats = { events: 0, records: 0, rejected: 0, skipped: 0, duplicates: 0, chunks: 0, cursorUs, connects: 0, reconnects: 0 };
  const client = new JetstreamClient({
    url: o.url,
    collections: o.collections,
    dids: o.dids,
    cursorUs: startUs,
    overlapUs: o.overlapUs,
    onConnect: o.hooks?.onConnect,
    onDisconnect: o.hooks?.onDisconnect,
    ...o.client,
  });
  let stopping = false;
  let line = 0;
  const file = o.ctx.file;

  const flush = async (records: ParsedRecord[], chunkNewest: number | null, events: number): Promise<void> => {
    if (records.length > 0) await o.produce(records);
    if (chunkNewest !== null && (cursorUs === null || chunkNewest > cursorUs)) cursorUs = chunkNewest;
    if (cursorUs !== null) {
      const floor = cursorUs - o.overlapUs;
      for (const [k, t] of seen) if (!(t >= floor)) seen.delete(k);
      await o.cursors.save(o.name, cursorUs, [...seen.keys()], events);
    }
    stats.chunks++;
    stats.cursorUs = cursorUs;
    o.hooks?.onChunk?.({ records: records.length, cursorUs: cursorUs ?? 0, lagSeconds: cursorUs === null ? null : Math.max(0, now() / 1000 - cursorUs / 1e6) });
  };

  const loop = async (): Promise<StreamStats> => {
    let records: ParsedRecord[] = [];
    let newest: number | null = null;
    let events = 0;
    let since = now();
    try {
      while (!stopping) {
        await client.waitForEvent(Math.max(10, o.flushMs - (now() - since)));
        const room = o.chunkSize - records.length;
        const max = o.maxEvents === undefined ? room : Math.min(room, o.maxEvents - stats.events);
        for (const ev of client.take(max)) {
          stats.events++;
          events++;
          const k = eventKey(ev);
          if (seen.has(k)) {
            stats.duplicates++;
            o.hooks?.onEvent?.('duplicate', ev);
            continue;
          }
          seen.set(k, Number.isFinite(ev.timeUs) ? ev.timeUs : Infinity);
          if (Number.isFinite(ev.timeUs) && (newest === null || ev.timeUs > newest)) newest = ev.timeUs;
          line = line >= 2_000_000_000 ? 1 : line + 1;
          if (ev.value === undefined) {
            records.push(rejected(file, line, null, ev.raw, 'invalid JSON'));
            stats.rejected++;
            o.hooks?.onEvent?.('rejected', ev);
            continue;
          }
          const it = jetstreamItem(ev.value, handles);
          if (it.kind === 'skip') {
            stats.skipped++;
            o.hooks?.onEvent?.('skipped', ev);
            continue;
          }
          const r = itemRecord(it, ev.raw, file, line, o.ctx);
          records.push(r);
          if (r.ok) stats.records++;
          else stats.rejected++;
          o.hooks?.onEvent?.(r.ok ? 'record' : 'rejected', ev);
        }
        const full = records.length >= o.chunkSize;
        const limit = o.maxEvents !== undefined && stats.events >= o.maxEvents;
        if (full || limit || (events > 0 && now() - since >= o.flushMs)) {
          await flush(records, newest, events);
          records = [];
          newest = null;
          events = 0;
          since = now();
        }
        if (limit) break;
      }
      if (events > 0) await flush(records, newest, events);
    } finally {
      await client.close();
      stats.connects = client.connects;
      stats.reconnects = client.reconnects;
    }
    return stats;
  };

  const done = loop();
  return {
    done,
    stats,
    async stop() {
      stopping = true;
      return done;
    },
  };
}
