/**
 * URL normalisation for co-link (C2). Two posts share a link when their normalised URLs are equal.
 *
 * What is folded, and why:
 * - scheme and host case, `www.`, default ports: never meaningful;
 * - http vs https: the same page shared over either scheme is the same object (output uses https);
 * - fragments: client-side only (except `#!` hash-bang routes, which are the path);
 * - tracking parameters (`utm_*`, `fbclid`, `gclid`, `igshid`, `mc_cid`, …, and per-site share
 *   tags such as twitter's `s`/`t`/`ref_src`, youtube's `si`/`feature`): they differ per sharer;
 * - the order of the remaining query parameters, and a trailing slash.
 * Paths keep their case (servers treat them as case-sensitive). Known shorteners (t.co, bit.ly, …)
 * keep path and query exactly: their codes are case-sensitive and we never follow them — no
 * network calls, ever.
 *
 * Hostile input never throws: anything that is not an http(s) URL or a bare `host.tld/...` returns
 * null, and callers skip it.
 */

const SHORTENERS = new Set([
  't.co', 'bit.ly', 'bitly.com', 'goo.gl', 'ow.ly', 'tinyurl.com', 'buff.ly', 'dlvr.it', 'ift.tt', 'is.gd',
  'tiny.cc', 'lnkd.in', 'fb.me', 'trib.al', 'j.mp', 'rebrand.ly', 'shorturl.at', 'cutt.ly', 'amzn.to',
  'wp.me', 'po.st', 'su.pr', 'v.gd', 'qr.ae', 'bl.ink', 'soo.gd', 'mcaf.ee', 'db.tt', 'flic.kr',
  'redd.it', 'snip.ly', 'tr.im', 'x.co',
]);

/** Mobile and short hosts that serve the same pages as the main one. */
const HOST_ALIASES: Record<string, string> = {
  'm.youtube.com': 'youtube.com',
  'mobile.twitter.com': 'twitter.com',
  'm.facebook.com': 'facebook.com',
  'mobile.facebook.com': 'facebook.com',
  'en.m.wikipedia.org': 'en.wikipedia.org',
};

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'igshid', 'igsh', 'mc_cid', 'mc_eid',
  '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'ref_src', 'ref_url', 'vero_id', 'oly_anon_id', 'oly_enc_id',
  'rb_clickid', 's_cid', 'spm', 'twclid', 'ttclid', 'li_fat_id', 'wt_mc', 'cmpid', 'smid', 'ncid', 'sr_share',
]);

/** Per-site share parameters that only identify the sharer or the share button. */
const SITE_PARAMS: Record<string, Set<string>> = {
  'twitter.com': new Set(['s', 't', 'ref_src', 'ref_url', 'src']),
  'x.com': new Set(['s', 't', 'ref_src', 'ref_url', 'src']),
  'youtube.com': new Set(['si', 'feature', 'pp', 'ab_channel']),
  'youtu.be': new Set(['si', 'feature', 'pp', 'ab_channel']),
  'facebook.com': new Set(['ref', 'refsrc', 'mibextid', 'sfnsn']),
  'instagram.com': new Set(['igshid', 'igsh', 'utm_source']),
  'tiktok.com': new Set(['is_from_webapp', 'sender_device', 'is_copy_url', 'lang']),
};

const TRAILING_JUNK_RE = /^[.,;:!?'"…»”’\]]$/u;
const BARE_HOST_RE = /^[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?(?:[/?#]|$)/i;
const MAX_URL_LENGTH = 4096;

function isTracking(key: string, host: string): boolean {
  const k = key.toLowerCase();
  if (k.startsWith('utm_')) return true;
  if (TRACKING_PARAMS.has(k)) return true;
  return SITE_PARAMS[host]?.has(k) ?? false;
}

/** Strips punctuation glued to a URL by the surrounding sentence; keeps balanced parentheses. */
function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Strips punctuation glued to a URL by the sentence around it; a balanced ")" stays ("…/Foo_(bar)"). */
function trimTrailing(raw: string): string {
  let s = raw;
  for (;;) {
    const last = s.charAt(s.length - 1);
    if (last === ')') {
      if (count(s, ')') <= count(s, '(')) return s;
    } else if (!TRAILING_JUNK_RE.test(last)) return s;
    s = s.slice(0, -1);
  }
}

export function normaliseUrl(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  let s = raw.trim();
  if (s.length === 0 || s.length > MAX_URL_LENGTH) return null;
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1);
  s = trimTrailing(s);
  if (s.length === 0) return null;
  if (!/^https?:\/\//i.test(s)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(s) && !BARE_HOST_RE.test(s)) return null; // mailto:, javascript:, …
    if (!BARE_HOST_RE.test(s)) return null;
    s = 'http://' + s;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  let host = url.hostname.toLowerCase();
  if (host.length === 0 || !host.includes('.')) return null;
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.startsWith('www.')) host = host.slice(4);
  host = HOST_ALIASES[host] ?? host;
  const port = url.port && url.port !== '80' && url.port !== '443' ? ':' + url.port : '';

  if (SHORTENERS.has(host)) {
    return 'https://' + host + port + url.pathname.replace(/\/+$/, '') + url.search;
  }

  let path = url.pathname;
  let search = url.search;
  if (host === 'youtu.be' && path.length > 1) {
    // youtu.be/ID is youtube.com/watch?v=ID
    search = '?v=' + path.slice(1).replace(/\/+$/, '') + (search.length > 1 ? '&' + search.slice(1) : '');
    host = 'youtube.com';
    path = '/watch';
  }
  if (path.length > 1) path = path.replace(/\/+$/, '');
  if (path === '/') path = '';

  let query = '';
  if (search.length > 1) {
    const kept = search
      .slice(1)
      .split('&')
      .filter((p) => p.length > 0 && !isTracking(p.split('=', 1)[0], host));
    kept.sort();
    if (kept.length > 0) query = '?' + kept.join('&');
  }
  const hashbang = url.hash.startsWith('#!') ? url.hash : '';
  return 'https://' + host + port + path + query + hashbang;
}
