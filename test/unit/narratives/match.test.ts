import { beforeAll, describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import {
  compileNarratives,
  matchNarratives,
  NarrativeLexiconError,
  stemWord,
  tokenize,
} from '../../../src/core/narratives/index.ts';
import type { CompiledNarratives, NarrativeLexicon } from '../../../src/core/narratives/index.ts';

let compiled: CompiledNarratives;
beforeAll(() => {
  compiled = compileNarratives(loadNarrativeLexicons());
});

const ids = (text: string) => matchNarratives(text, compiled).map((m) => m.id);

describe('tokenize', () => {
  it('stems, drops apostrophes and splits camel-case hashtags', () => {
    const t = tokenize("RIGGED! Don't vote #StopTheSteal");
    expect(t.seq).toEqual(['rig', 'dont', 'vote', 'stop', 'the', 'steal']);
    expect(t.bag.has(stemWord('stopthesteal'))).toBe(true);
  });

  it('reads through full-width letters, accents and invisible characters', () => {
    expect(tokenize('ＲＩＧＧＥＤ ri\u200bgged élection').seq).toEqual(['rig', 'rig', 'elect']);
  });
});

describe('matchNarratives on the shipped lexicons', () => {
  it.each([
    ['The election was RIGGED, millions of illegal ballots', 'election-fraud'],
    ['#StopTheSteal they are stuffing ballots in Detroit right now', 'election-fraud'],
    [
      'That is not Biden, it is a body double. Biden is dead and they hide it.',
      'candidate-conspiracies-2024',
    ],
    ['The assassination attempt was staged, look at the fake blood', 'candidate-conspiracies-2024'],
    [
      '#Pizzagate is real, read the Podesta emails about spirit cooking',
      'candidate-conspiracies-2016',
    ],
    ['No more money for Ukraine while Americans suffer', 'ukraine-aid'],
    ['Why are there US biolabs in Ukraine? Stop funding this proxy war', 'ukraine-aid'],
    ['Taiwan is part of China and reunification is inevitable', 'taiwan-south-china-sea'],
    ['US warships provoking China in the South China Sea again', 'taiwan-south-china-sea'],
    ['The House just voted to ban TikTok unless ByteDance sells it', 'tiktok-ban'],
    ['The deep state is terrified. Civil war is coming.', 'deep-state-civil-war'],
    ["Don't vote this year, your vote doesn't matter anyway", 'voter-suppression'],
    ['Avoid the lines! Text your vote to 59925', 'voter-suppression'],
    ['Black people should sit this one out and boycott the election', 'voter-suppression'],
  ])('%s → %s', (text, id) => {
    const m = matchNarratives(text, compiled);
    expect(m[0]?.id).toBe(id);
    expect(m[0].score).toBeGreaterThanOrEqual(0.5);
    expect(m[0].terms.length + m[0].phrases.length).toBeGreaterThan(0);
  });

  it.each([
    'Great debate tonight! Trump and Clinton sparring on taxes and jobs. Who won?',
    'Hillary looks strong tonight, Trump keeps interrupting #debatenight',
    'Lester Holt is doing a good job moderating #Debates2016',
    'Senate passes $61 billion Ukraine aid package after months of delay',
    'lol this tiktok is hilarious',
    'Beautiful sunset in Taipei today',
    'I love watching Civil War documentaries on PBS',
    "If you don't vote, you can't complain. Register today and go vote!",
    'Money laundering charges filed against crypto exchange',
    'Election night coverage starts at 7pm on CNN',
    'Make sure to check your polling place before election day!',
    '',
  ])('ordinary post matches nothing: %s', (text) => {
    expect(ids(text)).toEqual([]);
  });

  it('gives the evidence: terms and phrases as written in the lexicon, and the similarity', () => {
    const [m] = matchNarratives('The election was RIGGED, millions of illegal ballots', compiled);
    expect(m).toMatchObject({
      id: 'election-fraud',
      terms: ['rigged'],
      phrases: ['election was rigged', 'illegal ballots'],
    });
    expect(m.similarity).toBeGreaterThan(0.3);
    expect(m.score).toBeGreaterThan(0.9);
  });

  it('scores an example post near the top by similarity alone', () => {
    const lex = loadNarrativeLexicons().find((l) => l.id === 'election-fraud')!;
    const [m] = matchNarratives(lex.examples[0], compiled);
    expect(m.similarity).toBe(1);
  });
});

describe('compileNarratives', () => {
  const lex = (over: Partial<NarrativeLexicon>): NarrativeLexicon => ({
    id: 'x',
    title: 'X',
    description: 'x',
    terms: [],
    phrases: [],
    examples: ['one example post', 'another example post', 'a third one'],
    ...over,
  });

  it('matches inflections of terms and phrases', () => {
    const c = compileNarratives([lex({ terms: ['rigging'], phrases: ['stolen elections'] })]);
    const [m] = matchNarratives('They rigged it. A stolen election!', c);
    expect(m).toMatchObject({ terms: ['rigging'], phrases: ['stolen elections'] });
  });

  it('needs the phrase words in a row', () => {
    const c = compileNarratives([lex({ phrases: ['stolen election'], min_score: 0.5 })]);
    expect(matchNarratives('the election of a stolen car', c)).toEqual([]);
  });

  it('counts a phrase inside a longer matched phrase once', () => {
    const c = compileNarratives([
      lex({ phrases: ['body double', 'hillary body double'], min_score: 0.1 }),
    ]);
    expect(matchNarratives('the Hillary body double again', c)[0].phrases).toEqual([
      'hillary body double',
    ]);
    expect(matchNarratives('a body double, says Hillary', c)[0].phrases).toEqual(['body double']);
  });

  it('honours min_score', () => {
    const text = 'rigged';
    expect(
      matchNarratives(text, compileNarratives([lex({ terms: ['rigged'], min_score: 0.3 })])),
    ).toHaveLength(1);
    expect(
      matchNarratives(text, compileNarratives([lex({ terms: ['rigged'], min_score: 0.5 })])),
    ).toHaveLength(0);
  });

  it('rejects duplicate ids', () => {
    expect(() => compileNarratives([lex({}), lex({})])).toThrow(NarrativeLexiconError);
  });
});
