import type { CanonicalAccount, CorePost } from '../types.ts';
import { normaliseText } from '../text/normalise.ts';

/**
 * A7 persona groups: accounts on DIFFERENT platforms that present as one persona. Links between
 * two accounts, each a piece of evidence:
 * - `handle`: the same handle once platform decoration is removed (`@`, case, a Bluesky
 *   `.bsky.social` suffix), at least `minHandleChars` long;
 * - `display_name`, `bio`: the same normalised name / bio (bio at least `minBioChars`);
 * - `avatar`: the same avatar hash (Bluesky blob CIDs are content hashes; other inputs where
 *   they carry one);
 * - `text`: the same normalised text (at least `minTextWords` words) posted within
 *   `textWindowSec` of each other.
 * An attribute value that more than `maxShare` accounts carry ("News", "Official account", a
 * default avatar) identifies no one and links nothing: rarity, not a list of stop words.
 *
 * Groups are the connected components of those links. A group is not by itself inauthentic: one
 * person cross-posting to X and Bluesky is a persona group too. The signal's value is how firmly
 * the accounts are one persona (noisy-OR of the link kinds, each weighted by how rarely an
 * unrelated pair would share it: an avatar image or a long bio almost never by chance, a display
 * name often); it is what lets a verdict on one member reach its other platforms.
 */

export type PersonaLinkKind = 'handle' | 'display_name' | 'bio' | 'avatar' | 'text';

export interface PersonaAccount {
  /** `platform:id` (core/keys.ts) */
  key: string;
  platform: string;
  account: CanonicalAccount;
}

export interface PersonaLink {
  a: string;
  b: string;
  kind: PersonaLinkKind;
  /** the shared value (for text: the normalised text, cut) */
  value: string;
  /** text links: seconds between the two posts */
  dt?: number;
}

export interface PersonaGroup {
  /** stable id: the smallest member key */
  id: string;
  members: string[];
  platforms: string[];
  links: PersonaLink[];
  /** 0..1: how firmly the members are one persona */
  strength: number;
}

export interface PersonaParams {
  maxShare: number;
  minHandleChars: number;
  minBioChars: number;
  minTextWords: number;
  textWindowSec: number;
  /** probability-like weight of one link kind; a pair's strength is their noisy-OR */
  weights: Record<PersonaLinkKind, number>;
}

export const DEFAULT_PERSONA_PARAMS: PersonaParams = {
  maxShare: 5,
  minHandleChars: 4,
  minBioChars: 20,
  minTextWords: 6,
  textWindowSec: 600,
  weights: { avatar: 0.6, bio: 0.5, handle: 0.5, text: 0.3, display_name: 0.25 },
};

export interface A7Result {
  id: 'A7';
  value: number;
  applicable: boolean;
  reason: string;
  details?: { group: string; members: string[]; platforms: string[]; links: number };
}

const PLATFORM_SUFFIX = /\.bsky\.social$/;

export function normaliseHandle(h: string | null): string | null {
  if (h === null) return null;
  const s = h.normalize('NFKC').trim().replace(/^@+/, '').toLowerCase().replace(PLATFORM_SUFFIX, '');
  return s.length > 0 ? s : null;
}

function normaliseName(s: string | null): string | null {
  if (s === null) return null;
  const t = s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return t.length > 0 ? t : null;
}

function platformOf(key: string): string {
  const i = key.indexOf(':');
  return i < 0 ? '' : key.slice(0, i);
}

class Dsu {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

/** Pairs of accounts on different platforms sharing one rare attribute value. */
function attributeLinks(accounts: readonly PersonaAccount[], kind: PersonaLinkKind, valueOf: (a: PersonaAccount) => string | null, p: PersonaParams, out: PersonaLink[]): void {
  const by = new Map<string, PersonaAccount[]>();
  for (const a of accounts) {
    const v = valueOf(a);
    if (v === null) continue;
    let l = by.get(v);
    if (!l) by.set(v, (l = []));
    if (!l.some((x) => x.key === a.key)) l.push(a);
  }
  for (const [v, l] of by) {
    if (l.length < 2 || l.length > p.maxShare) continue;
    for (let i = 0; i < l.length; i++)
      for (let j = i + 1; j < l.length; j++) {
        if (l[i].platform === l[j].platform) continue;
        const [a, b] = l[i].key < l[j].key ? [l[i].key, l[j].key] : [l[j].key, l[i].key];
        out.push({ a, b, kind, value: v });
      }
  }
}

/** Same text within the window by accounts of different platforms. */
function textLinks(posts: readonly CorePost[], p: PersonaParams, out: PersonaLink[]): void {
  const by = new Map<string, { account: string; t: number }[]>();
  for (const post of posts) {
    if (post.repost_of !== null && post.repost_of !== undefined) continue;
    if (typeof post.text !== 'string' || post.text.length === 0) continue;
    const norm = normaliseText(post.text);
    if (norm.split(' ').filter(Boolean).length < p.minTextWords) continue;
    let l = by.get(norm);
    if (!l) by.set(norm, (l = []));
    l.push({ account: post.account, t: post.t });
  }
  const seen = new Set<string>();
  for (const [text, l] of by) {
    const accounts = new Set(l.map((x) => x.account));
    if (accounts.size < 2 || accounts.size > p.maxShare) continue;
    l.sort((x, y) => x.t - y.t);
    for (let i = 0; i < l.length; i++)
      for (let j = i + 1; j < l.length && l[j].t - l[i].t <= p.textWindowSec; j++) {
        if (platformOf(l[i].account) === platformOf(l[j].account)) continue;
        const [a, b] = l[i].account < l[j].account ? [l[i].account, l[j].account] : [l[j].account, l[i].account];
        const k = `${a}\u0000${b}\u0000${text}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ a, b, kind: 'text', value: text.length > 140 ? text.slice(0, 139) + '…' : text, dt: l[j].t - l[i].t });
      }
  }
}

/** Persona groups of accounts across platforms (components of the links), strongest first. */
export function personaGroups(accounts: readonly PersonaAccount[], posts: readonly CorePost[] = [], params: Partial<PersonaParams> = {}): PersonaGroup[] {
  const p: PersonaParams = { ...DEFAULT_PERSONA_PARAMS, ...params, weights: { ...DEFAULT_PERSONA_PARAMS.weights, ...params.weights } };
  const links: PersonaLink[] = [];
  attributeLinks(accounts, 'handle', (a) => {
    const h = normaliseHandle(a.account.handle);
    return h !== null && h.length >= p.minHandleChars ? h : null;
  }, p, links);
  attributeLinks(accounts, 'display_name', (a) => normaliseName(a.account.display_name), p, links);
  attributeLinks(accounts, 'bio', (a) => {
    const b = normaliseName(a.account.bio);
    return b !== null && b.length >= p.minBioChars ? b : null;
  }, p, links);
  attributeLinks(accounts, 'avatar', (a) => a.account.avatar_hash, p, links);
  textLinks(posts, p, links);

  const dsu = new Dsu();
  for (const l of links) dsu.union(l.a, l.b);
  const groups = new Map<string, PersonaLink[]>();
  for (const l of links) {
    const r = dsu.find(l.a);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(l);
  }
  const out: PersonaGroup[] = [];
  for (const [id, ls] of groups) {
    const members = [...new Set(ls.flatMap((l) => [l.a, l.b]))].sort();
    // the group's strength: noisy-OR over its distinct link kinds (repeats of a kind add nothing:
    // ten shared texts are one habit, not ten independent identities)
    const kinds = new Set(ls.map((l) => l.kind));
    let miss = 1;
    for (const k of kinds) miss *= 1 - p.weights[k];
    out.push({ id, members, platforms: [...new Set(members.map(platformOf))].sort(), links: ls, strength: 1 - miss });
  }
  return out.sort((a, b) => b.strength - a.strength || a.id.localeCompare(b.id));
}

/** A7 for one account: its persona group, if it has one. */
export function personaGroupSignal(key: string, groups: readonly PersonaGroup[]): A7Result {
  const g = groups.find((x) => x.members.includes(key));
  if (!g) return { id: 'A7', value: 0, applicable: true, reason: 'no account on another platform shares its handle, name, bio, avatar or texts' };
  const others = g.members.filter((m) => m !== key);
  const kinds = [...new Set(g.links.filter((l) => l.a === key || l.b === key).map((l) => l.kind))];
  return {
    id: 'A7',
    value: g.strength,
    applicable: true,
    reason: `one persona with ${others.length} account${others.length === 1 ? '' : 's'} on ${g.platforms.filter((x) => x !== platformOf(key)).join(', ') || 'other platforms'} (shared: ${kinds.join(', ') || 'through other members'})`,
    details: { group: g.id, members: g.members, platforms: g.platforms, links: g.links.length },
  };
}

/** CSV of persona groups, one row per link (export). Fields quoted; never a formula. */
export function personaGroupsCsv(groups: readonly PersonaGroup[]): string {
  const q = (s: string | number): string => {
    const v = String(s);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return `"${safe.replaceAll('"', '""')}"`;
  };
  const rows = ['group,strength,platforms,a,b,kind,value,dt'];
  for (const g of groups)
    for (const l of g.links) rows.push([g.id, g.strength.toFixed(3), g.platforms.join(' '), l.a, l.b, l.kind, l.value, l.dt ?? ''].map(q).join(','));
  return rows.join('\n') + '\n';
}
