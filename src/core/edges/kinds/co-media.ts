import { objectKindEdges } from '../object-edges.ts';
import { isOriginal } from '../objects.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/** C7: the same avatar / media hash, where the input carries hashes. */
export const coMedia: CoActionKindDefinition<'co_media'> = {
  id: 'co_media',
  mode: 'co_action',
  signal: 'C7',
  label: 'attaching the same media (by hash)',
  index: {
    prefix: 'm:',
    onReposts: false,
    objects: (p) => p.media_hashes,
    describe: (n) => `attached ${same(n, 'media file')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_media', ro, (p, _r, _env, add) => {
      if (!isOriginal(p) || !Array.isArray(p.media_hashes)) return;
      const seen: string[] = [];
      for (const h of p.media_hashes) {
        if (typeof h === 'string' && h.length > 0 && !seen.includes(h)) {
          seen.push(h);
          add(h);
        }
      }
    }),
};
