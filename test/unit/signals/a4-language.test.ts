import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNAL_PARAMS as P,
  languageSignal,
  scanScripts,
} from '../../../src/core/signals/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { account, post } from './helpers.ts';

const run = (posts: CorePost[]) => languageSignal({ account: account(), posts, now: 0 }, P);
const en = (text: string, lang: string | null = 'en') => post(1_700_000_000, { text, lang });

describe('A4 language artefacts', () => {
  it('flags full-width CJK punctuation inside English posts, with counts and the characters', () => {
    const posts = [
      en('Trump is the only one who can save America，wake up people！'),
      en('The border is open and nobody cares。Vote for change'),
      en('Great rally today in Ohio: thousands of patriots came'),
      en('They lie to you every day（fake news）'),
      en('Another normal English post without anything odd'),
    ];
    const r = run(posts);
    expect(r.value).toBe(1);
    expect(r.reason).toContain(
      '3 of 5 Latin-script posts (60%) carry CJK artefacts: 5 full-width punctuation marks',
    );
    expect(r.reason).toContain('，');
  });

  it('flags Han characters inside English text, at half the weight of full-width punctuation', () => {
    const mixed = (n: number) =>
      Array.from({ length: 10 }, (_, i) =>
        en(
          i < n
            ? 'Support our farmers 支持 and our troops today'
            : 'Plain English about the election tonight',
        ),
      );
    const most = run(mixed(8));
    expect(most.value).toBe(1);
    expect(most.reason).toContain(
      '8 of 10 Latin-script posts (80%) carry CJK artefacts: 16 CJK characters',
    );
    expect(run(mixed(3)).value).toBeCloseTo(0.5 * 0.5, 5); // weight 1.5: share 0.15 of 0.3, count 1.5 of 3
  });

  it('keeps Hangul in English posts (K-pop fans) low', () => {
    const posts = Array.from({ length: 10 }, (_, i) =>
      en(
        i < 3
          ? 'Streaming the new album all night 방탄소년단 love them'
          : 'Plain English about the election tonight',
      ),
    );
    expect(run(posts).value).toBeLessThan(0.1);
  });

  it('stays low for a single stray mark in many posts (kaomoji, a quote)', () => {
    const posts = Array.from({ length: 40 }, (_, i) =>
      en(
        i === 0
          ? 'so tired today （＾＿＾） going to bed now'
          : `normal English post number ${i} about the debate`,
      ),
    );
    const r = run(posts);
    expect(r.value).toBeLessThan(0.05);
    expect(r.value).toBeGreaterThan(0);
  });

  it('does not count curly quotes, em dashes or emoji as artefacts', () => {
    const posts = Array.from({ length: 10 }, () =>
      en('She said “enough” — and left 🇺🇸🔥 it’s over…'),
    );
    const r = run(posts);
    expect(r.value).toBe(0);
    expect(r.reason).toContain('no CJK punctuation or characters in 10 Latin-script posts');
  });

  it('does not treat Chinese posts as artefacts (that is a language switch)', () => {
    const r = run(
      Array.from({ length: 6 }, () =>
        post(0, { text: '美国大选，今天的辩论很精彩！', lang: 'zh' }),
      ),
    );
    expect(r.details?.artefact_posts).toBe(0);
    expect(r.value).toBe(0);
  });

  it('scores language switches, capped below the artefact level', () => {
    const posts = [
      ...Array.from({ length: 6 }, () => en('We need to secure the border now')),
      ...Array.from({ length: 4 }, () =>
        post(0, { text: 'Путин отказался от поездки в Париж', lang: 'ru' }),
      ),
    ];
    const r = run(posts);
    expect(r.value).toBeCloseTo(0.4, 5); // 40% other-language posts → 0.5 × 0.4/0.5
    expect(r.reason).toContain('40% of 10 posts are not in en (ru 4)');
  });

  it('infers the language from the script when the post has no label', () => {
    const posts = [
      ...Array.from({ length: 5 }, () => en('Plain English about the election tonight', null)),
      ...Array.from({ length: 5 }, () => post(0, { text: '今天的辩论很精彩', lang: null })),
    ];
    expect(run(posts).details?.langs).toEqual({ zh: 5 });
  });

  it('needs enough posts with a known language to speak of switching', () => {
    const r = run([
      en('hello there my friends'),
      post(0, { text: 'hola amigos como estan', lang: 'es' }),
    ]);
    expect(r.value).toBe(0);
  });

  it('ignores Twitter no-language codes', () => {
    const posts = [
      ...Array.from({ length: 6 }, () => en('We need to secure the border now')),
      ...Array.from({ length: 4 }, () => post(0, { text: '😂😂😂', lang: 'und' })),
    ];
    expect(run(posts).value).toBe(0);
  });

  it('scans scripts', () => {
    expect(scanScripts('Hello，世界！')).toMatchObject({ latin: 5, han: 2, fullwidth: 2 });
    expect(scanScripts('Ｈｅｌｌｏ').fullwidth).toBe(5);
  });
});
