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

// key order as validatePost makes it: such posts travel as arrays of their values
const canonical = (id: string, a: CanonicalAccount, extra: Partial<CanonicalPost> = {}): CanonicalPost => ({
  platform: 'x',
  post_id: id,
  posted_at: '2016-10-01T00:00:00Z',
  text: `t${id} \u0000 "q" \\`,
  lang: null,
  urls: ['https://a.example/'],
  hashtags: [],
  mentions: ['m'],
  repost_of: id === '2' ? '1' : null,
  reply_to: null,
  media_hashes: [],
  account: a,
  ...extra,
});

describe('ingest payload: posts of the canonical shape travel as arrays', () => {
  it('gives back the same posts, key order included, objects or none', () => {
    const posts = [
      canonical('1', account('9')),
      canonical('2', account('9'), { objects: ['sound:1', 'like:x'] }),
      canonical('3', account('8')),
      post('4', account('8')), // another key order: an object, as before
    ];
    const enc = encodeChunkPosts(posts);
    expect(enc.posts.map((p) => Array.isArray(p))).toEqual([true, true, true, false]);
    const wire = JSON.parse(JSON.stringify({ batchId: 1, seq: 0, ...enc, rejected: [] })) as unknown;
    const chunk = parseIngestPayload(wire);
    expect(JSON.stringify(chunk.posts)).toBe(JSON.stringify(posts));
    expect(chunk.posts).toEqual(posts);
  });

  it('a post with a field left undefined travels as an object (JSON drops it there, as before)', () => {
    const p = { ...canonical('1', account('9')), lang: undefined } as unknown as CanonicalPost;
    expect(Array.isArray(encodeChunkPosts([p]).posts[0])).toBe(false);
  });

  it('refuses an array of the wrong length, without profiles, or with a bad account index or field', () => {
    const enc = encodeChunkPosts([canonical('1', account('9'))]);
    const t = enc.posts[0] as unknown[];
    const bad = (posts: unknown[], accounts: unknown = enc.accounts) =>
      () => parseIngestPayload({ batchId: 1, seq: 0, posts, accounts, rejected: [] });
    expect(bad([t.slice(0, 11)])).toThrow(/posts\[0\]: an array of 11 values/);
    expect(() => parseIngestPayload({ batchId: 1, seq: 0, posts: [t], rejected: [] })).toThrow(
      /posts\[0\]: account is not an index of accounts/,
    );
    expect(bad([[...t.slice(0, 11), 3]])).toThrow(/account 3 is not an index of accounts/);
    expect(bad([[...t.slice(0, 11), 'x']])).toThrow(/account is not an index/);
    expect(bad([[1, ...t.slice(1)]])).toThrow(/platform is not a string/);
    expect(bad([[...t.slice(0, 2), '2016-10-01', ...t.slice(3)]])).toThrow(/posted_at/);
    expect(bad([[...t.slice(0, 12), 'sound:1']])).toThrow(/objects is not a list of strings/);
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
