import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { accountKey } from '../../../src/core/keys.ts';
import { toCorePost } from '../../../src/core/posts.ts';
import { personaGroups, personaGroupSignal, personaGroupsCsv } from '../../../src/core/signals/index.ts';
import type { PersonaAccount } from '../../../src/core/signals/index.ts';
import type { CanonicalAccount, CanonicalPost } from '../../../src/core/types.ts';
import { readRecords } from '../../../src/ingest/index.ts';

const acct = (platform: string, id: string, a: Partial<CanonicalAccount> = {}): PersonaAccount => ({
  key: accountKey(platform, id),
  platform,
  account: { id, handle: null, display_name: null, bio: null, created_at: null, followers: null, following: null, location: null, avatar_hash: null, ...a },
});

describe('A7 persona groups across platforms', () => {
  it('one persona on X, TikTok and Bluesky from the adapters: handle, avatar and the same text minutes apart', async () => {
    const text = 'The ballots in Clark County were switched overnight, the media will not show you this';
    const tiktok = JSON.stringify({
      source_platform: 'tiktok.com',
      item_id: '7400000000000000001',
      data: { id: '7400000000000000001', desc: text, createTime: 1730000000, author: { id: '6900000000000000001', uniqueId: 'patriot_mom_tx', nickname: 'Patriot Mom' }, music: { id: '7000000000000000001' }, challenges: [] },
    });
    const bsky = JSON.stringify({
      posts: [
        {
          uri: 'at://did:plc:abc/app.bsky.feed.post/1',
          author: { did: 'did:plc:abc', handle: 'patriot-mom-tx.bsky.social', displayName: 'Patriot Mom', avatar: 'https://cdn.bsky.app/img/avatar/plain/did:plc:abc/bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@jpeg' },
          record: { text, createdAt: '2024-10-27T03:40:00Z' },
          indexedAt: '2024-10-27T03:40:00Z',
        },
      ],
    });
    const x: CanonicalPost = {
      platform: 'x', post_id: '1850000000000000001', posted_at: '2024-10-27T03:35:00Z', text, lang: 'en', urls: [], hashtags: [], mentions: [], repost_of: null, reply_to: null, media_hashes: [],
      account: { id: '1500000000000000001', handle: 'Patriot_Mom_TX', display_name: 'Patriot Mom 🇺🇸', bio: null, created_at: null, followers: 10, following: 900, location: 'Texas, USA', avatar_hash: null },
    };
    const posts: CanonicalPost[] = [x];
    for await (const r of readRecords(Readable.from([tiktok + '\n']), { now: Date.UTC(2027, 0, 1) })) if (r.ok) posts.push(r.post);
    for await (const r of readRecords(Readable.from([bsky + '\n']), { now: Date.UTC(2027, 0, 1) })) if (r.ok) posts.push(r.post);
    expect(posts.map((p) => p.platform)).toEqual(['x', 'tiktok', 'bluesky']);
    const accounts = posts.map((p) => acct(p.platform, p.account.id, p.account));
    const groups = personaGroups(accounts, posts.map(toCorePost));
    expect(groups.length).toBe(1);
    const g = groups[0];
    expect(g.members).toEqual(['bluesky:did:plc:abc', 'tiktok:6900000000000000001', 'x:1500000000000000001']);
    expect(g.platforms).toEqual(['bluesky', 'tiktok', 'x']);
    // handles patriot_mom_tx (X, TikTok) are one; Bluesky's patriot-mom-tx is another string
    expect(g.links.filter((l) => l.kind === 'handle').map((l) => [l.a, l.b])).toEqual([['tiktok:6900000000000000001', 'x:1500000000000000001']]);
    expect(g.links.filter((l) => l.kind === 'display_name').map((l) => [l.a, l.b])).toEqual([['bluesky:did:plc:abc', 'tiktok:6900000000000000001']]);
    // the same text: X at 03:35, Bluesky at 03:40 (300 s); TikTok's at 03:33:20 too
    const textPairs = g.links.filter((l) => l.kind === 'text');
    expect(textPairs.length).toBe(3);
    expect(textPairs.find((l) => l.a === 'bluesky:did:plc:abc' && l.b === 'x:1500000000000000001')?.dt).toBe(300);
    // noisy-OR of handle 0.5, display_name 0.25, text 0.3
    expect(g.strength).toBeCloseTo(1 - 0.5 * 0.75 * 0.7, 6);
    const s = personaGroupSignal('x:1500000000000000001', groups);
    expect(s).toMatchObject({ id: 'A7', applicable: true, value: g.strength });
    expect(s.reason).toBe('one persona with 2 accounts on bluesky, tiktok (shared: handle, text)');
    const csv = personaGroupsCsv(groups);
    expect(csv.split('\n')[0]).toBe('group,strength,platforms,a,b,kind,value,dt');
    expect(csv.split('\n').length - 2).toBe(g.links.length);
  });

  it('no group within one platform, none from common values, none from texts hours apart', () => {
    const accounts = [acct('x', '1', { handle: 'newsdesk', display_name: 'News' }), acct('x', '2', { handle: 'newsdesk' })];
    // "News" is the display name of 7 accounts: shared by more than maxShare (5), it names no one
    for (let i = 0; i < 7; i++) accounts.push(acct(i % 2 ? 'bluesky' : 'telegram', `n${i}`, { display_name: 'News' }));
    accounts.push(acct('tiktok', 't', { bio: 'short bio' }), acct('x', '3', { bio: 'short bio' }));
    const post = (platform: string, id: string, t: number) =>
      toCorePost({ platform, post_id: `${id}-${t}`, posted_at: new Date(t * 1000).toISOString(), text: 'this exact sentence has more than six words in it', lang: null, urls: [], hashtags: [], mentions: [], repost_of: null, reply_to: null, media_hashes: [], account: acct(platform, id).account });
    const groups = personaGroups(accounts, [post('x', '1', 1_700_000_000), post('tiktok', 't', 1_700_000_000 + 7200)]);
    expect(groups).toEqual([]);
    expect(personaGroupSignal('x:1', groups)).toMatchObject({ value: 0, applicable: true });
  });

  it('the same avatar hash on two platforms links them; a formula-looking value is quoted in the CSV', () => {
    const groups = personaGroups([acct('bluesky', 'did:plc:a', { avatar_hash: 'bafkreiabc', display_name: '=HYPERLINK("x")' }), acct('tiktok', '9', { avatar_hash: 'bafkreiabc', display_name: '=HYPERLINK("x")' })]);
    expect(groups[0].links.map((l) => l.kind).sort()).toEqual(['avatar', 'display_name']);
    expect(personaGroupsCsv(groups)).toContain(`"'=hyperlink(""x"")"`);
  });
});
