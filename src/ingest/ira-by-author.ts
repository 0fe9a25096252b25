import fs from 'node:fs';
import path from 'node:path';
import type { ParsedRecord } from '../core/types.ts';
import { readCsvBatches } from './csv-records.ts';
import { InputError } from './errors.ts';
import { iraLoosePost } from './ira-common.ts';
import { readLines } from './lines.ts';
import { accepted, rejected } from './records.ts';
import type { PeekableBytes } from './source.ts';
import { openInput } from './source.ts';
import type { ReadContext, RecordBatches } from './types.ts';
import { validatePost } from './validate.ts';

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
export async function* readAuthorFile(
  bytes: PeekableBytes,
  ctx: ReadContext,
  authors: Map<string, string> | null,
): RecordBatches {
  const file = ctx.file;
  const stem = path.basename(file).replace(AUTHOR_FILE_RE, '');
  const lines = readLines(bytes.chunks(), file, ctx.maxLineBytes);
  let col: Record<string, number> | null = null;
  for await (const { header, rows } of readCsvBatches(
    lines,
    ',',
    ctx.maxLineBytes,
    (r) => new InputError(`${file}: cannot read the CSV header: ${r}`),
  )) {
    if (col === null) {
      col = {};
      for (let i = 0; i < header.length; i++) col[header[i]] = i;
      const missing = ['content', 'publish_date'].filter((c) => col?.[c] === undefined);
      if (missing.length > 0)
        throw new InputError(`${file}: not a per-author IRA CSV: no ${missing.join(', ')} column`);
    }
    const c = col;
    const get = (f: string[], name: string): string => {
      const i = c[name];
      return i === undefined ? '' : f[i];
    };
    const out: ParsedRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.error !== null) {
        out[i] = rejected(file, r.line, null, r.raw, r.error);
        continue;
      }
      const f = r.fields;
      if (f.length !== header.length) {
        out[i] = rejected(
          file,
          r.line,
          null,
          r.raw,
          `expected ${header.length} columns, got ${f.length}`,
        );
        continue;
      }
      const authorId = get(f, 'author_id') || stem;
      const loose = iraLoosePost(
        {
          postId: `${authorId}:${r.row}`,
          accountId: authorId,
          handle: authors?.get(authorId) ?? authorId,
          content: get(f, 'content'),
          publishDate: get(f, 'publish_date'),
          language: get(f, 'language'),
          region: get(f, 'region'),
          followers: get(f, 'followers'),
          following: get(f, 'following'),
          retweet: get(f, 'retweet'),
          postType: get(f, 'post_type'),
        },
        ctx.defaultPlatform,
      );
      const v = validatePost(loose, ctx);
      out[i] =
        typeof v === 'string'
          ? rejected(file, r.line, null, r.raw, v)
          : accepted(v, file, r.line, null);
    }
    yield out;
  }
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
