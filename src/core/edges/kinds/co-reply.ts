import { jaccardSorted } from '../../text/shingles.ts';
import { objectKindEdges } from '../object-edges.ts';
import { isOriginal, normalisedTexts, shingleSets } from '../objects.ts';
import type { CoActionKindDefinition } from './types.ts';

/** C4: replying to the same post with near-same text (CNT's co_reply: the same target only). */
export const coReply: CoActionKindDefinition<'co_reply'> = {
  id: 'co_reply',
  mode: 'co_action',
  signal: 'C4',
  label: 'replying to the same post with near-same text',
  cnt: { name: 'co_reply', byDefault: false },
  textual: true,
  defaults: { shingleSize: 2, minTokens: 3 },
  build: (prep, ro) =>
    objectKindEdges(
      prep,
      'co_reply',
      ro,
      (p, _r, _env, add) => {
        if (isOriginal(p) && p.reply_to !== null && p.reply_to !== undefined && p.reply_to !== '') add(String(p.reply_to));
      },
      (env) => {
        const sets = shingleSets(prep, env.ko, true);
        const norm = normalisedTexts(prep, env.ko.window);
        const thr = env.ko.threshold;
        return (ra, rb) => {
          const ia = sets.itemOfRank[ra];
          const ib = sets.itemOfRank[rb];
          if (ia >= 0 && ib >= 0) {
            return jaccardSorted(sets.vals, sets.start[ia], sets.start[ia + 1], sets.vals, sets.start[ib], sets.start[ib + 1]) >= thr;
          }
          // replies too short for shingles must match exactly
          return norm[ra].length > 0 && norm[ra] === norm[rb];
        };
      },
    ),
};
