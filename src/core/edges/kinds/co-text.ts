import { cntMessagePreprocess } from '../../text/cnt-text.ts';
import { stripNoiseSuffix } from '../../text/suffix.ts';
import { textKey, tokenCount } from '../../text/text-key.ts';
import { objectKindEdges } from '../object-edges.ts';
import { isOriginal } from '../objects.ts';
import { same, type CoActionKindDefinition } from './types.ts';

/**
 * C1 exact: the same normalised text (normalise.ts: case, links, mentions, invisible characters
 * and random suffix tokens folded). CNT's co_tweet under `--compat cnt` (its own preprocessing).
 */
export const coText: CoActionKindDefinition<'co_text'> = {
  id: 'co_text',
  mode: 'co_action',
  signal: 'C1',
  label: 'posting the same text',
  aliases: ['co_tweet'],
  cnt: { name: 'co_tweet', byDefault: true },
  textual: true,
  defaults: { minTokens: 3 },
  index: {
    prefix: 't:',
    onReposts: false,
    objects(p, opts) {
      // random suffix tokens after the link ("… https://t.co/x WIRD") are not part of the text
      const key = (opts.textKey ?? textKey)(stripNoiseSuffix(p.text));
      return key && tokenCount(key) >= opts.minTextTokens ? [key] : [];
    },
    describe: (n) => `posted ${same(n, 'text')}`,
  },
  build: (prep, ro) =>
    objectKindEdges(prep, 'co_text', ro, (p, r, env, add) => {
      if (!isOriginal(p) || typeof p.text !== 'string') return;
      if (env.compat) {
        if (env.withPartner()[r]) add(cntMessagePreprocess(p.text));
        return;
      }
      const text = env.normalised()[r];
      if (text.length > 0 && env.words(p, r) >= env.ko.minTokens) add(text);
    }),
};
