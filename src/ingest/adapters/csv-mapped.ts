import path from 'node:path';
import type { CsvRow } from '../read/csv.ts';
import { readCsvRecords } from '../read/csv.ts';
import { InputError } from '../read/errors.ts';
import type { MappableField } from '../read/mapping.ts';
import { MAPPABLE_FIELDS } from '../read/mapping.ts';
import { rtPrefixRepostKey } from '../read/repost-key.ts';
import type { PeekableBytes } from '../read/source.ts';
import { isValidTimeZone } from '../read/timestamps.ts';
import type { ColumnMapping, ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';

/**
 * Any CSV, given a column mapping (mapping.ts). The Pitt debate panel loads with
 * test/fixtures/ingest/pitt-debate1.mapping.json and reproduces the panel posts of the
 * debate-d1 reference set exactly: ids `pitt_<userID>:debate1:<row>`, times in EDT, and
 * `RT @user: …` texts keyed like the reference (repost-key.ts).
 */

/** how one field's value is made from a row */
type Getter =
  | { kind: 'col'; index: number }
  | { kind: 'const'; value: string }
  | { kind: 'tpl'; parts: Part[] };

type Special = '$row' | '$line' | '$file';
type Part = string | { index: number } | { special: Special };

const SPECIALS = new Set<string>(['$row', '$line', '$file']);

function compileValue(field: string, spec: string, header: string[], file: string): Getter {
  const columnIndex = (name: string): number => {
    const i = header.indexOf(name);
    if (i === -1) {
      throw new InputError(
        `${file}: the column mapping names column "${name}" for ${field}, which the CSV header does not have (columns: ${header.join(', ').slice(0, 500)})`,
      );
    }
    return i;
  };
  if (spec.startsWith('const:')) return { kind: 'const', value: spec.slice(6) };
  if (!spec.includes('{'))
    return field === 'platform'
      ? { kind: 'const', value: spec }
      : { kind: 'col', index: columnIndex(spec) };
  const parts: Part[] = [];
  let i = 0;
  while (i < spec.length) {
    const open = spec.indexOf('{', i);
    if (open === -1) {
      parts.push(spec.slice(i));
      break;
    }
    if (open > i) parts.push(spec.slice(i, open));
    const close = spec.indexOf('}', open);
    if (close === -1)
      throw new InputError(`column mapping for ${field}: unclosed "{" in "${spec}"`);
    const name = spec.slice(open + 1, close);
    parts.push(SPECIALS.has(name) ? { special: name as Special } : { index: columnIndex(name) });
    i = close + 1;
  }
  return { kind: 'tpl', parts };
}

interface Compiled {
  getters: Partial<Record<MappableField, Getter>>;
  repostFromText: boolean;
  fileStem: string;
}

function compile(mapping: ColumnMapping, header: string[], file: string): Compiled {
  const getters: Partial<Record<MappableField, Getter>> = {};
  for (const f of MAPPABLE_FIELDS) {
    const spec = mapping[f];
    if (spec !== undefined) getters[f] = compileValue(f, spec, header, file);
  }
  const missing = (['post_id', 'posted_at', 'account.id'] as const).filter(
    (f) => getters[f] === undefined,
  );
  if (getters.text === undefined && getters.repost_of === undefined) missing.push('text' as never);
  if (missing.length > 0) {
    throw new InputError(
      `${file}: the column mapping must say where ${missing.join(', ')} come${missing.length === 1 ? 's' : ''} from (e.g. post_id=tweet_id or post_id={user}:{$row})`,
    );
  }
  return {
    getters,
    repostFromText: getters.repost_of === undefined && mapping.repost_from_text !== 'none',
    fileStem: path.basename(file).replace(/(\.[A-Za-z0-9]+)+$/, ''),
  };
}

function value(g: Getter | undefined, row: CsvRow, c: Compiled): string | undefined {
  if (g === undefined) return undefined;
  if (g.kind === 'col') return row.fields[g.index];
  if (g.kind === 'const') return g.value;
  let s = '';
  for (const p of g.parts) {
    if (typeof p === 'string') s += p;
    else if ('index' in p) s += row.fields[p.index];
    else if (p.special === '$row') s += String(row.row);
    else if (p.special === '$line') s += String(row.line);
    else s += c.fileStem;
  }
  return s;
}

/** a list cell: a JSON array, or items separated by whitespace (and commas, except for urls) */
function listValue(s: string | undefined, commas: boolean): string[] | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t.length === 0) return [];
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return v.map(String);
    } catch {
      // not JSON after all: split it
    }
  }
  return t.split(commas ? /[\s,]+/ : /\s+/).filter((x) => x.length > 0);
}

function delimiterOf(mapping: ColumnMapping): string {
  const d = mapping.delimiter;
  if (d === undefined) return ',';
  if (d === 'tab' || d === '\\t' || d === '\t') return '\t';
  if (d.length === 1 && d !== '"' && d !== '\n' && d !== '\r') return d;
  throw new InputError(`column mapping: delimiter must be one character or "tab", not "${d}"`);
}

/** Resolves and checks the options of a mapping before any byte is read. */
export function mappingContext(
  mapping: ColumnMapping | null | undefined,
  ctx: ReadContext,
): { mapping: ColumnMapping; ctx: ReadContext; delimiter: string } {
  if (mapping === null || mapping === undefined) {
    throw new InputError(
      `${ctx.file}: a CSV that is none of the known layouts needs a column mapping (e.g. --map post_id=id,account.id=user,text=text,posted_at=date)`,
    );
  }
  const tz = mapping.timezone ?? ctx.timezone;
  if (tz !== null && !isValidTimeZone(tz))
    throw new InputError(`unknown time zone "${tz}" (use an IANA name such as America/New_York)`);
  return { mapping, ctx: { ...ctx, timezone: tz }, delimiter: delimiterOf(mapping) };
}

export function readMappedCsv(
  bytes: PeekableBytes,
  baseCtx: ReadContext,
  mappingIn: ColumnMapping | null | undefined,
): RecordBatches {
  const { mapping, ctx, delimiter } = mappingContext(mappingIn, baseCtx);
  return readCsvRecords(bytes, ctx, {
    delimiter,
    header: (header) => {
      const c = compile(mapping, header, ctx.file);
      const g = c.getters;
      return (r) => {
        const text = value(g.text, r, c);
        let repostOf: string | null | undefined = value(g.repost_of, r, c);
        if (c.repostFromText && text !== undefined) repostOf = rtPrefixRepostKey(text);
        return {
          platform: value(g.platform, r, c) ?? ctx.defaultPlatform,
          post_id: value(g.post_id, r, c),
          posted_at: value(g.posted_at, r, c),
          text,
          lang: value(g.lang, r, c),
          urls: listValue(value(g.urls, r, c), false),
          hashtags: listValue(value(g.hashtags, r, c), true),
          mentions: listValue(value(g.mentions, r, c), true),
          repost_of: repostOf,
          reply_to: value(g.reply_to, r, c),
          media_hashes: listValue(value(g.media_hashes, r, c), true),
          account: {
            id: value(g['account.id'], r, c),
            handle: value(g['account.handle'], r, c),
            display_name: value(g['account.display_name'], r, c),
            bio: value(g['account.bio'], r, c),
            created_at: value(g['account.created_at'], r, c),
            followers: value(g['account.followers'], r, c),
            following: value(g['account.following'], r, c),
            location: value(g['account.location'], r, c),
            avatar_hash: value(g['account.avatar_hash'], r, c),
          },
        };
      };
    },
  });
}

export const csvMapped = defineAdapter({
  name: 'csv',
  description: 'any CSV or TSV, with a column mapping (--map)',
  defaultPlatform: 'x',
  // any CSV header: the last resort among the CSV formats
  sniffCsvHeader: () => 1,
  read: (bytes, ctx) => readMappedCsv(bytes, ctx, ctx.mapping),
});
