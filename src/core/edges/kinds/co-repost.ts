import { objectKindEdges } from '../object-edges.ts';
import { isOriginal } from '../objects.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/** C3: reposting the same post. */
export const coRepost: CoActionKindDefinition<'co_repost'> = {
  id: 'co_repost',
  mode: 'co_action',
  signal: 'C3',
  label: 'reposting the same post',
  aliases: ['co_retweet'],
  cnt: { name: 'co_retweet', byDefault: true },
  index: {
    prefix: 'r:',
    onReposts: true,
    objects: (p) => (p.repost_of ? [p.repost_of] : []),
    describe: (n) => `reposted ${same(n, 'post')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_repost', ro, (p, _r, _env, add) => {
      if (!isOriginal(p)) add(String(p.repost_of));
    }),
};
