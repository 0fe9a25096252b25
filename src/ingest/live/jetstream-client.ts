import WebSocket from 'ws';

/**
 * A Jetstream subscriber: one WebSocket to `<url>?wantedCollections=…&wantedDids=…&cursor=…`,
 * its messages as an async iterable, reconnecting with exponential backoff and jitter when the
 * connection drops. Backpressure: once `highWater` events wait unread, the socket is paused
 * (TCP then pushes back on the server) until the reader has taken half of them.
 *
 * On reconnect it asks for `newest time_us seen − overlapUs`: Jetstream's `time_us` is only
 * roughly ordered across its shards, so resuming exactly at the last event could skip one that
 * was assigned an earlier time but sent later. The overlap is replayed; the reader drops what it
 * has already had (stream-runner.ts keeps the ids of the overlap).
 */

export interface JetstreamEvent {
  /** the message text as received */
  raw: string;
  /** parsed message; undefined when it is not JSON */
  value: unknown;
  /** its time_us, NaN when missing */
  timeUs: number;
}

export interface JetstreamClientOptions {
  /** e.g. wss://jetstream2.us-east.bsky.network/subscribe */
  url: string;
  collections: readonly string[];
  dids?: readonly string[];
  /** time_us to start from (already less the overlap); null: live from now */
  cursorUs: number | null;
  /** microseconds replayed before the newest event seen when reconnecting; default 2 s */
  overlapUs?: number;
  /** unread events before the socket is paused; default 5,000 */
  highWater?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** a connection that stays up this long resets the backoff; default 10 s */
  stableMs?: number;
  onConnect?: (url: string) => void;
  onDisconnect?: (info: { code: number | null; reason: string; error: Error | null; retryInMs: number; attempt: number }) => void;
  /** for tests: a deterministic jitter source (0..1) */
  random?: () => number;
}

export function subscribeUrl(base: string, collections: readonly string[], dids: readonly string[], cursorUs: number | null): string {
  const u = new URL(base);
  for (const c of collections) u.searchParams.append('wantedCollections', c);
  for (const d of dids) u.searchParams.append('wantedDids', d);
  if (cursorUs !== null) u.searchParams.set('cursor', String(Math.max(0, Math.floor(cursorUs))));
  return u.toString();
}

function timeOf(v: unknown): number {
  if (v !== null && typeof v === 'object' && typeof (v as { time_us?: unknown }).time_us === 'number') {
    return (v as { time_us: number }).time_us;
  }
  return NaN;
}

export class JetstreamClient {
  private ws: WebSocket | null = null;
  private readonly buf: JetstreamEvent[] = [];
  private head = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  private paused = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** newest time_us received so far (the reconnect cursor is taken from it) */
  newestUs: number | null = null;
  connects = 0;
  reconnects = 0;
  private readonly o: Required<Omit<JetstreamClientOptions, 'onConnect' | 'onDisconnect' | 'dids'>> & JetstreamClientOptions;

  constructor(opts: JetstreamClientOptions) {
    this.o = {
      overlapUs: 2_000_000,
      highWater: 5000,
      backoffMinMs: 250,
      backoffMaxMs: 30_000,
      stableMs: 10_000,
      random: Math.random,
      ...opts,
    };
    this.connect(opts.cursorUs);
  }

  get buffered(): number {
    return this.buf.length - this.head;
  }

  private connect(cursorUs: number | null): void {
    if (this.closed) return;
    const url = subscribeUrl(this.o.url, this.o.collections, this.o.dids ?? [], cursorUs);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws = ws;
    let openedAt = 0;
    let err: Error | null = null;
    ws.on('open', () => {
      openedAt = Date.now();
      this.connects++;
      this.o.onConnect?.(url);
    });
    ws.on('message', (data: WebSocket.RawData) => {
      const raw = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      const timeUs = timeOf(value);
      if (Number.isFinite(timeUs) && (this.newestUs === null || timeUs > this.newestUs)) this.newestUs = timeUs;
      this.buf.push({ raw, value, timeUs });
      if (!this.paused && this.buffered >= this.o.highWater) {
        this.paused = true;
        ws.pause();
      }
      this.notify();
    });
    ws.on('error', (e) => {
      err = e;
    });
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.ws = null;
      this.paused = false;
      if (this.closed) {
        this.notify();
        return;
      }
      if (openedAt > 0 && Date.now() - openedAt >= this.o.stableMs) this.attempt = 0;
      const exp = Math.min(this.o.backoffMaxMs, this.o.backoffMinMs * 2 ** this.attempt);
      // full jitter in [exp/2, exp]: replicas that lost the same server do not return in step
      const delay = Math.round(exp / 2 + (exp / 2) * this.o.random());
      this.attempt++;
      this.reconnects++;
      this.o.onDisconnect?.({ code: openedAt > 0 ? code : null, reason: reason.toString(), error: err, retryInMs: delay, attempt: this.attempt });
      const cursor = this.newestUs !== null ? this.newestUs - this.o.overlapUs : this.o.cursorUs;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect(cursor);
      }, delay);
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Wait (up to `ms`) for an event to be buffered; true if one is. */
  async waitForEvent(ms: number): Promise<boolean> {
    if (this.buffered > 0) return true;
    if (this.closed) return false;
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        if (this.wake === done) this.wake = null;
        r();
      }, ms);
      const done = (): void => {
        clearTimeout(t);
        r();
      };
      this.wake = done;
    });
    return this.buffered > 0;
  }

  /** Take up to `max` buffered events without waiting. */
  take(max: number): JetstreamEvent[] {
    const n = Math.min(max, this.buffered);
    const out = this.buf.slice(this.head, this.head + n);
    this.head += n;
    if (this.head === this.buf.length) {
      this.buf.length = 0;
      this.head = 0;
    }
    if (this.paused && this.buffered <= this.o.highWater / 2) {
      this.paused = false;
      this.ws?.resume();
    }
    return out;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stop reading: no reconnect; buffered events stay readable. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    const ws = this.ws;
    if (ws !== null && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((r) => {
        ws.once('close', () => r());
        try {
          ws.close(1000, 'client closing');
        } catch {
          r();
        }
        setTimeout(() => {
          ws.terminate();
          r();
        }, 2000).unref();
      });
    }
    this.notify();
  }
}
