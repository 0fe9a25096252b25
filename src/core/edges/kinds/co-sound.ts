import type { CorePost } from '../../types.ts';
import { objectKindEdges } from '../object-edges.ts';
import { isOriginal } from '../objects.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/** A post's objects of one kind (`sound:`, `fwd:`, `like:`), prefix removed, distinct. */
export function objectsOf(p: CorePost, prefix: string): string[] {
  const out: string[] = [];
  if (!Array.isArray(p.objects)) return out;
  for (const o of p.objects) {
    if (typeof o !== 'string' || !o.startsWith(prefix) || o.length === prefix.length) continue;
    const id = o.slice(prefix.length);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * The same TikTok sound (music id) within Δ. Sounds are how TikTok content is templated: a
 * trending sound is used by thousands of unrelated accounts, so an edge's strength is the sum over
 * shared sounds of the default rarity weight 1/(n − 1), n the accounts using that sound in the
 * window (options.ts, resource allocation): a sound only a handful of accounts use carries almost
 * a unit, a trending one next to nothing, and the co-set / null-model significance discounts it
 * by its popularity the same way as a viral link. "Original sound" ids are per upload: two
 * accounts sharing one re-used someone's upload.
 */
export const coSound: CoActionKindDefinition<'co_sound'> = {
  id: 'co_sound',
  mode: 'co_action',
  signal: '—',
  label: 'posting videos with the same sound (TikTok music id)',
  index: {
    prefix: 's:',
    onReposts: false,
    objects: (p) => objectsOf(p, 'sound:'),
    describe: (n) => `used ${same(n, 'sound')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_sound', ro, (p, _r, _env, add) => {
      if (!isOriginal(p)) return;
      for (const s of objectsOf(p, 'sound:')) add(s);
    }),
};
