import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` on the Node the README promises (≥ 20.19) must not warn EBADENGINE: no package in
 * the lockfile may require a newer Node (content-disposition 3.1 and cookie 2 did, through
 * @fastify/static 10.1.4+ and light-my-request 6.8; package.json pins both back).
 */

type V = [number, number, number];
const parse = (s: string): V => {
  const [a = '0', b = '0', c = '0'] = s.replace(/^v/, '').split('.');
  return [Number(a), Number(b), Number(c)];
};
const cmp = (a: V, b: V) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** npm's range forms as the lockfile carries them: `>=x`, `>x`, `<x`, `<=x`, `^x`, `~x`, `x`, `x.y`, `*`, AND by space, OR by `||`. */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alt) =>
    alt
      .trim()
      // `>= 4` is `>=4`
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      // `0.8.x` is `0.8`
      .replace(/(\d)\.[x*](?=\s|$)/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(>=|<=|>|<|\^|~|=)?\s*v?(\d+(?:\.\d+){0,2}|\*|x)$/.exec(c);
        if (!m) throw new Error(`range form not understood: "${c}" in "${range}"`);
        const [, op = '', ver] = m;
        if (ver === '*' || ver === 'x') return true;
        const parts = ver!.split('.').length;
        const r = parse(ver!);
        switch (op) {
          case '>=':
            return cmp(v, r) >= 0;
          case '>':
            return cmp(v, r) > 0;
          case '<':
            return cmp(v, r) < 0;
          case '<=':
            return cmp(v, r) <= 0;
          case '^':
            return cmp(v, r) >= 0 && v[0] === r[0];
          case '~':
            return cmp(v, r) >= 0 && v[0] === r[0] && (parts < 2 || v[1] === r[1]);
          default:
            // a bare `20` or `20.19` is that major (minor)
            return v[0] === r[0] && (parts < 2 || v[1] === r[1]) && (parts < 3 || v[2] === r[2]);
        }
      }),
  );
}

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('dependencies install on Node 20 without EBADENGINE', () => {
  it('reads the range forms right', () => {
    expect(satisfies('20.19.0', '>=22')).toBe(false);
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '^12.22.0 || ^14.17.0 || >=16.0.0')).toBe(true);
  });

  it('every package in package-lock.json accepts the Node the README promises', () => {
    const promised = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node as string;
    const min = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(promised)![1]!;
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }> };
    const bad = Object.entries(lock.packages)
      .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node && !satisfies(min, p.engines.node))
      .map(([name, p]) => `${name}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(bad).toEqual([]);
  });
});
