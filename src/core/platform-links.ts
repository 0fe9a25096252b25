/**
 * Where a stored post or account lives on its platform, for a "view the original" link.
 * Pure: builds a URL from the ids as the adapters store them, never fetches anything.
 * Returns null where the ids cannot name a real page: the sample sets' synthetic post ids
 * (`<author>:<row>`, `pitt_<n>:debate1:0`), a missing handle, an unknown platform. Ids are
 * encoded, so a hostile id cannot change the host or path of the link.
 */

export interface PostRef {
  platform: string;
  post_id: string;
  account_id?: string | null;
  handle?: string | null;
}

export interface AccountRef {
  platform: string;
  account_id: string;
  handle?: string | null;
}

const DIGITS = /^\d{1,25}$/;
const X_HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const TG_HANDLE = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
const TIKTOK_HANDLE = /^[A-Za-z0-9_.]{1,24}$/;
const BSKY_POST = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,64})$/;
const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;

const e = encodeURIComponent;

type PostLink = (p: PostRef) => string | null;
type AccountLink = (a: AccountRef) => string | null;

const POSTS: Record<string, PostLink> = {
  // x.com resolves a status by id whatever the handle in the path
  x: (p) => (DIGITS.test(p.post_id) ? `https://x.com/${p.handle && X_HANDLE.test(p.handle) ? e(p.handle) : 'i/web'}/status/${p.post_id}` : null),
  bluesky: (p) => {
    const m = BSKY_POST.exec(p.post_id);
    return m ? `https://bsky.app/profile/${e(m[1]!)}/post/${e(m[2]!)}` : null;
  },
  // post ids are `<chat id>/<message id>`; a public link needs the channel's username
  telegram: (p) => {
    const msg = p.post_id.split('/').pop() ?? '';
    return p.handle && TG_HANDLE.test(p.handle) && DIGITS.test(msg) ? `https://t.me/${e(p.handle)}/${msg}` : null;
  },
  tiktok: (p) => (DIGITS.test(p.post_id) && p.handle && TIKTOK_HANDLE.test(p.handle) ? `https://www.tiktok.com/@${e(p.handle)}/video/${p.post_id}` : null),
  // CrowdTangle's platformId is `<page id>_<post id>`, which facebook.com resolves
  facebook: (p) => (/^\d{1,25}_\d{1,25}$/.test(p.post_id) ? `https://www.facebook.com/${p.post_id}` : null),
};

const ACCOUNTS: Record<string, AccountLink> = {
  x: (a) => (a.handle && X_HANDLE.test(a.handle) ? `https://x.com/${e(a.handle)}` : DIGITS.test(a.account_id) ? `https://x.com/i/user/${a.account_id}` : null),
  bluesky: (a) => (DID.test(a.account_id) ? `https://bsky.app/profile/${e(a.account_id)}` : null),
  telegram: (a) => (a.handle && TG_HANDLE.test(a.handle) ? `https://t.me/${e(a.handle)}` : null),
  tiktok: (a) => (a.handle && TIKTOK_HANDLE.test(a.handle) ? `https://www.tiktok.com/@${e(a.handle)}` : null),
  facebook: (a) => (DIGITS.test(a.account_id) ? `https://www.facebook.com/${a.account_id}` : null),
};

export function postUrl(p: PostRef): string | null {
  return POSTS[p.platform]?.(p) ?? null;
}

export function accountUrl(a: AccountRef): string | null {
  return ACCOUNTS[a.platform]?.(a) ?? null;
}

/** Platforms with link templates (the others show no "original" link). */
export const LINKED_PLATFORMS = Object.keys(POSTS);
