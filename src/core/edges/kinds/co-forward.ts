import { objectKindEdges } from '../object-edges.ts';
import { objectsOf } from './co-sound.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/**
 * Telegram channels forwarding the same source post (object `fwd:<source chat>/<message>`) within
 * Δ. A forward is also a repost of its source (co_repost sees it too); this kind keeps forwarding
 * apart because on Telegram it is the main amplification act of channel networks, and lets it
 * have a window of its own (`perKind.co_forward.window`). Rarity-weighted like every object kind:
 * a post that hundreds of channels forward weighs little per pair.
 */
export const coForward: CoActionKindDefinition<'co_forward'> = {
  id: 'co_forward',
  mode: 'co_action',
  signal: '—',
  label: 'forwarding the same Telegram post',
  index: {
    prefix: 'f:',
    onReposts: true,
    objects: (p) => objectsOf(p, 'fwd:'),
    describe: (n) => `forwarded ${same(n, 'post')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_forward', ro, (p, _r, _env, add) => {
      for (const s of objectsOf(p, 'fwd:')) add(s);
    }),
};
