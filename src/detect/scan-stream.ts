import type { MessagePort } from 'node:worker_threads';
import type { CorePost } from '../core/types.ts';
import { canonicalOrder } from '../core/posts.ts';
import { textPost } from './load.ts';

/**
 * A scan's window read once, on the thread that prepares it, and streamed as it is read to
 * the thread that builds the text kinds' edges (engine-client.ts): batch by batch, only what
 * those kinds read of a post (key, account, time, text, repost and reply targets), as
 * columns. The receiver builds exactly the posts loadTextPosts builds (textPost), in the same
 * canonical order, from the same rows (one cursor, one snapshot: a post landing during the
 * read is in neither thread's posts or in both).
 *
 * Format (measured, 200k rows of the bench window, total CPU of both threads): columns of
 * strings structured-cloned with the times in a transferred Float64Array cost about the same
 * as one joined string or UTF-8 bytes transferred (~1.8 µs a row either way), and the least
 * on the sending side, which is the scan's critical path; see the report of issue 13 item 3.
 */

/** rows per message: one cursor fetch (load.ts) */
export const STREAM_ROWS = 20_000;

export interface TextBatch {
  key: string[];
  account: string[];
  /** CorePost.t of each row */
  t: Float64Array;
  text: string[];
  repostOf: (string | null)[];
  replyTo: (string | null)[];
}

export type StreamMessage =
  | { batch: TextBatch }
  /** the last message: how many rows were sent in all */
  | { end: number }
  /** the sender failed: the reason (the receiver rejects with it) */
  | { error: string };

export class StreamClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamClosedError';
  }
}

function emptyBatch(n: number): TextBatch {
  return { key: [], account: [], t: new Float64Array(n), text: [], repostOf: [], replyTo: [] };
}

/**
 * The sending side: push every post as it is read, then end() (or fail()). Pushing after the
 * receiver has gone (its thread failed or exited: the port closes) throws, so the read stops.
 */
export class TextPostSender {
  private batch: TextBatch;
  private n = 0;
  private sent = 0;
  private done = false;
  private gone = false;

  constructor(
    private port: MessagePort,
    private rows = STREAM_ROWS,
  ) {
    this.batch = emptyBatch(rows);
    port.on('close', () => {
      this.gone = true;
    });
  }

  /** the receiver has gone before the end */
  get closed(): boolean {
    return this.gone && !this.done;
  }

  push(p: CorePost): void {
    if (this.gone)
      throw new StreamClosedError(
        "the scan's edges thread stopped before the window was read (it failed or exited)",
      );
    const b = this.batch;
    b.key.push(p.key);
    b.account.push(p.account);
    b.t[this.n] = p.t;
    b.text.push(p.text);
    b.repostOf.push(p.repost_of);
    b.replyTo.push(p.reply_to);
    if (++this.n === this.rows) this.flush();
  }

  private flush(): void {
    if (this.n === 0) return;
    const b = this.batch;
    if (this.n < b.t.length) b.t = b.t.slice(0, this.n);
    this.port.postMessage({ batch: b } satisfies StreamMessage, [b.t.buffer as ArrayBuffer]);
    this.sent += this.n;
    this.n = 0;
    this.batch = emptyBatch(this.rows);
  }

  end(): void {
    if (this.gone)
      throw new StreamClosedError(
        "the scan's edges thread stopped before the window was read (it failed or exited)",
      );
    this.flush();
    this.done = true;
    this.port.postMessage({ end: this.sent } satisfies StreamMessage);
    this.port.close();
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    try {
      if (!this.gone)
        this.port.postMessage({
          error: err instanceof Error ? err.message : String(err),
        } satisfies StreamMessage);
    } finally {
      this.port.close();
    }
  }
}

/**
 * The receiving side: the posts loadTextPosts would build from the same rows, in canonical
 * order, once the sender has ended. Rejects when the sender fails, or its port closes before
 * the end (its thread died): never waits on a sender that is gone.
 */
export function receiveTextPosts(port: MessagePort): Promise<CorePost[]> {
  return new Promise<CorePost[]>((resolve, reject) => {
    const out: CorePost[] = [];
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      port.close();
      if (err) reject(err);
      else resolve(out.sort(canonicalOrder));
    };
    port.on('message', (m: StreamMessage) => {
      if (settled) return;
      try {
        if ('batch' in m) {
          const b = m.batch;
          for (let i = 0; i < b.key.length; i++)
            out.push(
              textPost(
                b.key[i]!,
                b.account[i]!,
                b.t[i]!,
                b.text[i]!,
                b.repostOf[i] as string | null,
                b.replyTo[i] as string | null,
              ),
            );
        } else if ('end' in m) {
          if (m.end !== out.length)
            settle(new StreamClosedError(`the window's stream sent ${m.end} posts, ${out.length} came`));
          else settle(null);
        } else {
          settle(new StreamClosedError(`the scan's loading thread failed: ${m.error}`));
        }
      } catch (err) {
        settle(err as Error);
      }
    });
    port.on('close', () =>
      settle(
        new StreamClosedError(
          "the scan's loading thread stopped before the window was read (it failed or exited)",
        ),
      ),
    );
  });
}
