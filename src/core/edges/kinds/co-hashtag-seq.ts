import { objectKindEdges } from '../object-edges.ts';
import { hashtagSequence, isOriginal } from '../objects.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/** C5: the same ordered sequence of 3+ distinct hashtags. */
export const coHashtagSeq: CoActionKindDefinition<'co_hashtag_seq'> = {
  id: 'co_hashtag_seq',
  mode: 'co_action',
  signal: 'C5',
  label: 'using the same ordered hashtag sequence',
  defaults: { minHashtags: 3 },
  index: {
    prefix: 'h:',
    onReposts: false,
    objects: (p, opts) => (p.hashtags.length >= opts.minHashtags ? [p.hashtags.map((h) => h.toLowerCase()).join(' ')] : []),
    describe: (n) => `used ${same(n, 'hashtag sequence')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_hashtag_seq', ro, (p, _r, env, add) => {
      if (!isOriginal(p)) return;
      const seq = hashtagSequence(p);
      if (seq.length >= env.ko.minHashtags) add('#' + seq.join(' #'));
    }),
};
