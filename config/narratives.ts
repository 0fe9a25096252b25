import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { NarrativeLexicon } from '../src/core/narratives/index.ts';

/** The lexicons shipped with coordwatch; operators add files here (see README.md in it). */
export const DEFAULT_NARRATIVES_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'narratives',
);

export class NarrativeConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    message: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'NarrativeConfigError';
  }
}

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const narrativeLexiconSchema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
      'must be kebab-case: lower-case letters, digits and single hyphens',
    )
    .max(64, 'at most 64 characters'),
  title: text(200),
  description: text(2000),
  terms: z
    .array(
      text(60).refine(
        (t) => !/\s/.test(t),
        'a term is one word; put multi-word expressions in "phrases"',
      ),
    )
    .max(500, 'at most 500 terms'),
  phrases: z
    .array(
      text(200).refine(
        (t) => /\s/.test(t.trim()),
        'a phrase has at least two words; put single words in "terms"',
      ),
    )
    .max(500, 'at most 500 phrases'),
  examples: z
    .array(text(2000))
    .min(3, 'give at least 3 examples')
    .max(6, 'give at most 6 examples'),
  min_score: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').optional(),
});

/** Validate one parsed lexicon; `file` names it in errors. */
export function parseNarrativeLexicon(data: unknown, file: string): NarrativeLexicon {
  const r = narrativeLexiconSchema.safeParse(data);
  if (r.success) {
    if (r.data.terms.length + r.data.phrases.length === 0) {
      throw new NarrativeConfigError(file, 'terms', 'give at least one term or phrase');
    }
    return r.data;
  }
  const issue = r.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new NarrativeConfigError(
      file,
      issue.keys.join(', '),
      'unknown field (expected id, title, description, terms, phrases, examples, min_score)',
    );
  }
  const field = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
  throw new NarrativeConfigError(file, field, issue.message);
}

/**
 * Every `*.json` lexicon in `dir`, validated, in file-name order. Throws a
 * NarrativeConfigError naming the file and field at the first problem, and when two files
 * use the same id or the folder has no lexicon at all.
 */
export function loadNarrativeLexicons(dir: string = DEFAULT_NARRATIVES_DIR): NarrativeLexicon[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new NarrativeConfigError(
      dir,
      '',
      `cannot read the narratives folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  if (names.length === 0)
    throw new NarrativeConfigError(dir, '', 'no *.json narrative lexicons in this folder');
  const out: NarrativeLexicon[] = [];
  const byId = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new NarrativeConfigError(
        file,
        '',
        `not valid JSON (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    const lex = parseNarrativeLexicon(data, file);
    const other = byId.get(lex.id);
    if (other)
      throw new NarrativeConfigError(file, 'id', `"${lex.id}" is already used by ${other}`);
    byId.set(lex.id, file);
    out.push(lex);
  }
  return out;
}
