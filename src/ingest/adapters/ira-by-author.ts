import fs from 'node:fs';
import path from 'node:path';
import { readCsvBatches } from '../read/csv.ts';
import { InputError } from '../read/errors.ts';
import { readIraCsv } from '../read/ira-csv.ts';
import { readLines } from '../read/lines.ts';
import type { PeekableBytes } from '../read/source.ts';
import { openInput } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';

/**
 * The per-author split of the IRA tweets (bet4a/russian-troll-tweets-by-author): a folder with
 * `authors.csv` (author_id, author, external_author_id, account_type, account_category, …) and
 * one CSV per author in sub-folders (author_id, content, region, language, publish_date,
 * harvested_date, following, followers, updates, post_type, retweet).
 *
 * post_id is `<author_id>:<row>` with the 0-based data row of the author's file — the ids of the
 * reference set ira-2016q4 — and account.id is author_id; the handle comes from authors.csv
 * (author_id is sometimes the handle plus a disambiguating number, e.g. 4MySquad4036537452).
 */

export const AUTHORS_FILE = 'authors.csv';
const AUTHOR_FILE_RE = /\.csv(\.gz)?$/i;

/** the per-author CSV files under `dir`, sorted, authors.csv excluded */
export async function authorFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.promises.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel === '' ? e.name : path.join(rel, e.name);
      if (e.isDirectory()) await walk(r);
      else if (
        e.isFile() &&
        AUTHOR_FILE_RE.test(e.name) &&
        !(rel === '' && /^authors\.csv(\.gz)?$/i.test(e.name))
      )
        found.push(r);
    }
  };
  await walk('');
  return found.sort();
}

/** author_id → handle, from authors.csv */
export async function readAuthors(
  file: string,
  maxLineBytes: number,
): Promise<Map<string, string>> {
  const input = await openInput(file);
  const lines = readLines(input.bytes.chunks(), file, maxLineBytes);
  const map = new Map<string, string>();
  let idCol = -1;
  let handleCol = -1;
  for await (const { header, rows } of readCsvBatches(
    lines,
    ',',
    maxLineBytes,
    (r) => new InputError(`${file}: cannot read the CSV header: ${r}`),
  )) {
    if (idCol === -1) {
      idCol = header.indexOf('author_id');
      handleCol = header.indexOf('author');
      if (idCol === -1) throw new InputError(`${file}: authors file without an author_id column`);
    }
    for (const r of rows) {
      if (r.error !== null || r.fields.length !== header.length) continue;
      const id = r.fields[idCol];
      const handle = handleCol === -1 ? '' : r.fields[handleCol];
      if (id.length > 0) map.set(id, handle.length > 0 ? handle : id);
    }
  }
  return map;
}

/** One author's CSV. `authors` null: a single file read on its own, handles are the author ids. */
export function readAuthorFile(
  bytes: PeekableBytes,
  ctx: ReadContext,
  authors: Map<string, string> | null,
): RecordBatches {
  const stem = path.basename(ctx.file).replace(AUTHOR_FILE_RE, '');
  return readIraCsv(bytes, ctx, {
    name: 'a per-author IRA CSV',
    required: ['content', 'publish_date'],
    ids: (get, r) => {
      const authorId = get('author_id') || stem;
      return { postId: `${authorId}:${r.row}`, accountId: authorId, handle: authors?.get(authorId) ?? authorId };
    },
  });
}

/** The whole folder: every author file in path order, joined with authors.csv. */
export async function* readIraFolder(dir: string, ctx: ReadContext): RecordBatches {
  const authorsPath = path.join(dir, AUTHORS_FILE);
  if (!fs.existsSync(authorsPath))
    throw new InputError(
      `${dir}: a folder input must be the IRA per-author split, with ${AUTHORS_FILE} at its top; there is none`,
    );
  const authors = await readAuthors(authorsPath, ctx.maxLineBytes);
  const files = await authorFiles(dir);
  for (const rel of files) {
    const full = path.join(dir, rel);
    const input = await openInput(full);
    try {
      yield* readAuthorFile(input.bytes, { ...ctx, file: full }, authors);
    } finally {
      await input.bytes.close();
    }
  }
}

export const iraByAuthor = defineAdapter({
  name: 'ira-by-author',
  description: 'the per-author split of the IRA tweets: a folder with authors.csv and one CSV per author (or one such CSV)',
  defaultPlatform: 'x',
  sniffCsvHeader: (h) => (h.includes('author_id') && h.includes('content') && h.includes('publish_date') ? 80 : null),
  sniffFolder: (dir) => fs.existsSync(path.join(dir, AUTHORS_FILE)),
  read: (bytes, ctx) => readAuthorFile(bytes, ctx, null),
  readFolder: readIraFolder,
});
