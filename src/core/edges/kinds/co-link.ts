import { objectKindEdges } from '../object-edges.ts';
import { isOriginal, postUrls } from '../objects.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/** C2: the same link (normalised: scheme/host case, tracking parameters, trailing slash). */
export const coLink: CoActionKindDefinition<'co_link'> = {
  id: 'co_link',
  mode: 'co_action',
  signal: 'C2',
  label: 'pushing the same link',
  cnt: { name: 'co_link', byDefault: true },
  index: {
    prefix: 'u:',
    onReposts: false,
    objects(p, opts) {
      const out: string[] = [];
      for (const raw of p.urls) {
        const u = opts.normalizeUrl ? opts.normalizeUrl(raw) : raw;
        if (u && !out.includes(u)) out.push(u);
      }
      return out;
    },
    describe: (n) => `pushed ${same(n, 'link')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_link', ro, (p, _r, env, add) => {
      if (!isOriginal(p)) return;
      // CNT compares the URL strings it was given, verbatim; we normalise and fall back to the text.
      const urls = env.compat ? (Array.isArray(p.urls) ? p.urls : []) : postUrls(p);
      const seen: string[] = [];
      for (const u of urls) {
        if (typeof u !== 'string' || u.length === 0) continue;
        const key = env.compat ? u : env.urlKey(u);
        if (key !== null && !seen.includes(key)) {
          seen.push(key);
          add(key);
        }
      }
    }),
};
