import type { CanonicalPost, CorePost } from '../../src/core/types.ts';

/** A CorePost (what the detection core takes) with empty lists and no text unless given. */
export function corePost(over: Partial<CorePost> & Pick<CorePost, 'key' | 'account' | 't'>): CorePost {
  return { text: '', lang: null, urls: [], hashtags: [], mentions: [], repost_of: null, reply_to: null, media_hashes: [], ...over };
}

/** A canonical post with sensible defaults, for tests. */
export function post(over: Partial<CanonicalPost> & { post_id: string }, account: Partial<CanonicalPost['account']> = {}): CanonicalPost {
  return {
    platform: 'x',
    posted_at: '2024-04-01T12:00:00Z',
    text: `post ${over.post_id}`,
    lang: 'en',
    urls: [],
    hashtags: [],
    mentions: [],
    repost_of: null,
    reply_to: null,
    media_hashes: [],
    ...over,
    account: {
      id: 'acct1',
      handle: 'fo29904619',
      display_name: 'Fo',
      bio: null,
      created_at: '2024-01-02T00:00:00Z',
      followers: 12,
      following: 300,
      location: 'Texas, USA',
      avatar_hash: null,
      ...account,
      ...(over.account ?? {}),
    },
  };
}
