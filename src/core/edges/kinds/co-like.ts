import { objectKindEdges } from '../object-edges.ts';
import { objectsOf } from './co-sound.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/**
 * Liking the same post within Δ (Bluesky Jetstream likes, object `like:<post URI>`): like farms
 * fire on the posts they are paid to lift, seconds apart. Likes are the cheapest and most common
 * act, so rarity weighting matters most here: a popular post's likers share 1/(n − 1) each; pairs
 * that like the same obscure posts again and again are the signal.
 */
export const coLike: CoActionKindDefinition<'co_like'> = {
  id: 'co_like',
  mode: 'co_action',
  signal: '—',
  label: 'liking the same post',
  index: {
    prefix: 'l:',
    onReposts: false,
    objects: (p) => objectsOf(p, 'like:'),
    describe: (n) => `liked ${same(n, 'post')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_like', ro, (p, _r, _env, add) => {
      for (const s of objectsOf(p, 'like:')) add(s);
    }),
};
