import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadNarrativeLexicons,
  NarrativeConfigError,
  parseNarrativeLexicon,
} from '../../../config/narratives.ts';

const good = {
  id: 'my-narrative',
  title: 'Mine',
  description: 'A test narrative',
  terms: ['rigged'],
  phrases: ['stolen election'],
  examples: ['one', 'two', 'three'],
};

const dirs: string[] = [];
function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'narratives-'));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files))
    writeFileSync(path.join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadNarrativeLexicons', () => {
  it('loads the shipped set: at least the seven required narratives, all valid', () => {
    const ids = loadNarrativeLexicons().map((l) => l.id);
    for (const id of [
      'election-fraud',
      'candidate-conspiracies-2016',
      'candidate-conspiracies-2024',
      'ukraine-aid',
      'taiwan-south-china-sea',
      'tiktok-ban',
      'deep-state-civil-war',
      'voter-suppression',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('loads an operator folder in file-name order, ignoring non-JSON files', () => {
    const dir = folder({
      'b.json': { ...good, id: 'b' },
      'a.json': { ...good, id: 'a', min_score: 0.7 },
      'README.md': '# notes',
    });
    expect(loadNarrativeLexicons(dir).map((l) => [l.id, l.min_score])).toEqual([
      ['a', 0.7],
      ['b', undefined],
    ]);
  });

  it.each([
    [{ ...good, terms: ['two words'] }, 'terms[0]', 'a term is one word'],
    [{ ...good, phrases: ['single'] }, 'phrases[0]', 'at least two words'],
    [{ ...good, examples: ['only', 'two'] }, 'examples', 'at least 3 examples'],
    [{ ...good, id: 'Not Kebab' }, 'id', 'kebab-case'],
    [{ ...good, title: '' }, 'title', 'must not be empty'],
    [{ ...good, min_score: 2 }, 'min_score', 'at most 1'],
    [{ ...good, terms: 'rigged' }, 'terms', 'expected array'],
    [{ ...good, phrase: ['x y'] }, 'phrase', 'unknown field'],
    [{ ...good, terms: [], phrases: [] }, 'terms', 'at least one term or phrase'],
  ])('names the file and field of a bad lexicon (%#)', (data, field, words) => {
    const dir = folder({ 'ok.json': good, 'bad.json': data });
    let err: unknown;
    try {
      loadNarrativeLexicons(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NarrativeConfigError);
    const e = err as NarrativeConfigError;
    expect(e.file).toBe(path.join(dir, 'bad.json'));
    expect(e.field).toBe(field);
    expect(e.message).toContain(`bad.json: ${field}: `);
    expect(e.message).toContain(words);
  });

  it('rejects broken JSON, duplicate ids and an empty folder', () => {
    expect(() => loadNarrativeLexicons(folder({ 'x.json': '{ "id": ' }))).toThrow(
      /x\.json: not valid JSON/,
    );
    expect(() => loadNarrativeLexicons(folder({ 'a.json': good, 'b.json': good }))).toThrow(
      /b\.json: id: "my-narrative" is already used by .*a\.json/,
    );
    expect(() => loadNarrativeLexicons(folder({}))).toThrow(/no \*\.json narrative lexicons/);
    expect(() => loadNarrativeLexicons(path.join(tmpdir(), 'does-not-exist-narratives'))).toThrow(
      /cannot read the narratives folder \(ENOENT\)/,
    );
  });

  it('parses one lexicon object', () => {
    expect(parseNarrativeLexicon(good, 'inline')).toEqual(good);
  });
});
