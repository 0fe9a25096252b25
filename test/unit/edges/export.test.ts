import { describe, expect, it } from 'vitest';
import type { Edge } from '../../../src/core/types.ts';
import { edgesToCsv, edgesToGraphml } from '../../../src/core/edges/index.ts';
import { compareCodePoints, xmlEscape } from '../../../src/core/edges/export.ts';

const edge = (a: string, b: string, over: Partial<Edge> = {}): Edge => ({ a, b, kind: 'co_repost', weight: 3, strength: 0.5, evidence: [], ...over });

describe('edge files', () => {
  it('writes CNT CSV: quoted fields, CRLF, each direction at or above min weight, SQLite key order', () => {
    const csv = edgesToCsv([edge('b', 'c', { directed: { ab: 1, ba: 4 }, weight: 4 }), edge('B', 'a', { directed: { ab: 2, ba: 2 }, weight: 2 })], {
      compat: true,
      minWeight: 2,
      edgeType: 'co_retweet',
    });
    expect(csv).toBe(
      '"source","target","weight","edge_type"\r\n' +
        '"B","a","2","co_retweet"\r\n' +
        '"a","B","2","co_retweet"\r\n' +
        '"c","b","4","co_retweet"\r\n',
    );
  });

  it('quotes hostile ids in our CSV', () => {
    const csv = edgesToCsv([edge('a,"b"', 'line\nbreak'), edge(' pad', 'x')], { compat: false, minWeight: 1, edgeType: 'co_repost' });
    expect(csv).toBe('source,target,weight,strength\n"a,""b""","line\nbreak",3,0.5\n" pad",x,3,0.5\n');
  });

  it('sorts by code point like SQLite (astral after U+FFFF)', () => {
    expect(['\uffff', '\u{1f600}', 'a'].sort(compareCodePoints)).toEqual(['a', '\uffff', '\u{1f600}']);
  });

  it('escapes markup and strips characters XML cannot carry', () => {
    expect(xmlEscape(`<script>&"'`)).toBe('&lt;script&gt;&amp;&quot;&apos;');
    expect(xmlEscape('a\u0000b\u0007c\ud800d\ufffe')).toBe('a\ufffdb\ufffdc\ufffdd\ufffd');
    expect(xmlEscape('ok\t\n\u{1f600}')).toBe('ok\t\n\u{1f600}');
  });

  it('writes GraphML with every kind as parallel edges and hostile handles escaped', () => {
    const nodes = new Map([
      ['u1', { handle: '</data><evil attr="x">', display_name: 'Ann \u0001 & co' }],
      ['u2', { handle: 'bob' }],
    ]);
    const xml = edgesToGraphml([edge('u1', 'u2'), edge('u1', 'u2', { kind: 'co_text', directed: { ab: 1, ba: 2 } })], nodes);
    expect(xml).toContain('<node id="u1"><data key="handle">&lt;/data&gt;&lt;evil attr=&quot;x&quot;&gt;</data><data key="name">Ann \ufffd &amp; co</data></node>');
    expect(xml.match(/<edge /g)).toHaveLength(2);
    expect(xml).toContain('<data key="weight_ab">1</data><data key="weight_ba">2</data>');
    // no raw markup from the data, no control characters
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toContain('<evil');
  });
});
