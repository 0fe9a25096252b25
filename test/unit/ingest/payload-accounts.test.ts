import { describe, expect, it } from 'vitest';
import type { CanonicalAccount, CanonicalPost } from '../../../src/core/types.ts';
import { encodeChunkPosts, parseIngestPayload, PayloadError } from '../../../src/queue/payloads.ts';

const account = (id: string, handle: string | null = `h${id}`): CanonicalAccount => ({
  id,
  handle,
  display_name: null,
  bio: 'bio',
  created_at: '2016-01-01T00:00:00Z',
  followers: 1,
  following: 2,
  location: null,
  avatar_hash: null,
});
// key order as an adapter makes it, account not last
const post = (id: string, a: CanonicalAccount): CanonicalPost =>
  ({
    account: a,
    platform: 'x',
    post_id: id,
    posted_at: '2016-10-01T00:00:00Z',
    text: `t${id}`,
    lang: 'en',
    urls: [],
    hashtags: ['a'],
    mentions: [],
    repost_of: null,
    reply_to: null,
    media_hashes: [],
  }) as CanonicalPost;

describe('ingest payload: account profiles shared per chunk', () => {
  it('sends each distinct profile once and gives back the same posts, key order included', () => {
    const posts = [
      post('1', account('9')),
      post('2', account('9')),
      post('3', account('9', 'renamed')),
      post('4', account('8')),
    ];
    const enc = encodeChunkPosts(posts);
    // the same id with another handle is another profile
    expect(enc.accounts.map((a) => a.handle)).toEqual(['h9', 'renamed', 'h8']);
    expect(enc.posts.map((p) => (p as { account: number }).account)).toEqual([0, 0, 1, 2]);
    const wire = JSON.parse(
      JSON.stringify({ batchId: 1, seq: 0, ...enc, rejected: [] }),
    ) as unknown;
    const chunk = parseIngestPayload(wire);
    expect(JSON.stringify(chunk.posts)).toBe(JSON.stringify(posts));
    expect(chunk).not.toHaveProperty('accounts');
  });

  it('refuses an account index outside the profiles, and a number without profiles', () => {
    const enc = encodeChunkPosts([post('1', account('9'))]);
    (enc.posts[0] as { account: number }).account = 1;
    expect(() => parseIngestPayload({ batchId: 1, seq: 0, ...enc, rejected: [] })).toThrow(
      /posts\[0\]: account 1 is not an index of accounts/,
    );
    const bare = {
      batchId: 1,
      seq: 0,
      posts: [{ ...post('1', account('9')), account: 0 }],
      rejected: [],
    };
    expect(() => parseIngestPayload(bare)).toThrow(PayloadError);
  });

  it('still takes posts that carry their own account (jobs queued before)', () => {
    const posts = [post('1', account('9'))];
    expect(
      parseIngestPayload(JSON.parse(JSON.stringify({ batchId: 1, seq: 0, posts, rejected: [] })))
        .posts,
    ).toEqual(posts);
  });
});

describe('ingest payload: profile keys', () => {
  it('never merges profiles that differ, whatever their text or shape', () => {
    const a = { ...account('9'), handle: 'x\u0001', display_name: null };
    const b = { ...account('9'), handle: 'x', display_name: '\u0001' };
    const c = { ...account('9'), followers: '1' as unknown as number };
    const { bio, ...rest } = account('9');
    const d = { bio, ...rest } as CanonicalAccount; // same values, other key order: other JSON
    const enc = encodeChunkPosts([
      post('1', a),
      post('2', b),
      post('3', c),
      post('4', d),
      post('5', { ...a }),
    ]);
    expect(enc.accounts).toHaveLength(4);
    expect(enc.posts.map((p) => (p as { account: number }).account)).toEqual([0, 1, 2, 3, 0]);
  });
});
