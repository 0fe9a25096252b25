import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { canonicalOrder, corePost } from '../../../src/core/posts.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { textPost } from '../../../src/detect/load.ts';
import {
  receiveTextPosts,
  StreamClosedError,
  TextPostSender,
} from '../../../src/detect/scan-stream.ts';

/**
 * The stream a scan's loading thread sends its edges thread the window down (scan-stream.ts):
 * every post arrives as loadTextPosts would build it, in canonical order, whatever the batch
 * size; a sender that fails or goes away makes the receiver reject (never wait), and a
 * receiver that goes away (its thread dies) stops the sender at its next post.
 */

function post(i: number): CorePost {
  return corePost({
    platform: i % 3 === 0 ? 'x' : 'bsky',
    post_id: `p${(i * 7919) % 1000}`,
    account_id: `a${i % 17}`,
    // out of order, with ties, some with sub-second times
    ms: 1_700_000_000_000 + ((i * 37) % 50) * 1000 + (i % 4 === 0 ? 250 : 0),
    text: i % 5 === 0 ? '' : `texte ${i} — ünïcödé 🚀 ${'x'.repeat(i % 40)}`,
    lang: 'fr',
    urls: [`https://e.org/${i}`],
    hashtags: ['h'],
    mentions: [],
    media_hashes: ['m'],
    repost_of: i % 4 === 1 ? `bsky:r${i % 9}` : i % 4 === 2 ? '' : null,
    reply_to: i % 3 === 1 ? `x:t${i % 5}` : null,
    objects: ['sound:1'],
  });
}

/** What loadTextPosts builds of a post: its light fields, the rest empty. */
const light = (p: CorePost) =>
  textPost(p.key, p.account, p.t, p.text, p.repost_of, p.reply_to);

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('the scan window stream', () => {
  it.each([1, 7, 1000])(
    'delivers every post as loadTextPosts builds it, in canonical order (batches of %i)',
    async (rows) => {
      const posts = Array.from({ length: 250 }, (_, i) => post(i));
      const { port1, port2 } = new MessageChannel();
      const got = receiveTextPosts(port2);
      const sender = new TextPostSender(port1, rows);
      for (const p of posts) sender.push(p);
      // ends and closes its port at once: the batches still in flight arrive first
      sender.end();
      const want = posts.map(light).sort(canonicalOrder);
      const received = await got;
      // field for field, in corePost's order (a stricter check than toEqual)
      expect(JSON.stringify(received)).toBe(JSON.stringify(want));
      expect(received.some((p) => p.repost_of === '')).toBe(true);
      expect(received.some((p) => p.repost_of === null && p.reply_to !== null)).toBe(true);
      expect(received.every((p) => p.urls.length === 0 && !('objects' in p))).toBe(true);
    },
  );

  it('an empty window ends with no posts', async () => {
    const { port1, port2 } = new MessageChannel();
    const got = receiveTextPosts(port2);
    new TextPostSender(port1).end();
    expect(await got).toEqual([]);
  });

  it('rejects with the reason when the sender fails mid-stream', async () => {
    const { port1, port2 } = new MessageChannel();
    const got = receiveTextPosts(port2);
    const sender = new TextPostSender(port1, 2);
    for (let i = 0; i < 5; i++) sender.push(post(i));
    sender.fail(new Error('connection terminated unexpectedly'));
    await expect(got).rejects.toThrow(/loading thread failed: connection terminated unexpectedly/);
  });

  it('rejects, not waits, when the sender goes away without an end', async () => {
    const { port1, port2 } = new MessageChannel();
    const got = receiveTextPosts(port2);
    const sender = new TextPostSender(port1, 2);
    for (let i = 0; i < 5; i++) sender.push(post(i));
    port1.close();
    await expect(got).rejects.toThrow(StreamClosedError);
  });

  it('stops the sender at its next post when the receiver goes away', async () => {
    const { port1, port2 } = new MessageChannel();
    const sender = new TextPostSender(port1, 2);
    sender.push(post(0));
    port2.close();
    await tick();
    expect(sender.closed).toBe(true);
    expect(() => sender.push(post(1))).toThrow(StreamClosedError);
    expect(() => sender.end()).toThrow(StreamClosedError);
  });

  it("stops the sender when the receiver's thread dies mid-stream", async () => {
    // a thread that reads one batch and exits, as a helper dying of out-of-memory would
    const w = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.once('message', (port) => port.once('message', () => process.exit(7)));`,
      { eval: true },
    );
    const exited = new Promise<number>((r) => w.once('exit', r));
    const { port1, port2 } = new MessageChannel();
    w.postMessage(port2, [port2]);
    const sender = new TextPostSender(port1, 3);
    for (let i = 0; i < 3; i++) sender.push(post(i));
    expect(await exited).toBe(7);
    await tick();
    expect(() => sender.push(post(3))).toThrow(/edges thread stopped/);
  });

  it('rejects when fewer posts came than were sent', async () => {
    const { port1, port2 } = new MessageChannel();
    const got = receiveTextPosts(port2);
    port1.postMessage({ end: 3 });
    await expect(got).rejects.toThrow(/sent 3 posts, 0 came/);
  });
});
