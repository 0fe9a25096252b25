import fs from 'node:fs';
import { InputError } from './errors.ts';
import type { ColumnMapping } from '../types.ts';

/**
 * Column mappings for generic CSV. Keys are canonical fields (`post_id`, `account.id`, …) or
 * options; values are a column name, a template over columns (`pitt_{userID}`, with `{$row}` the
 * 0-based data row, `{$line}` the line, `{$file}` the file name without extensions), or a constant
 * written `const:value`. `platform` takes a constant as it is (`platform=x`).
 */

export const MAPPABLE_FIELDS = [
  'platform',
  'post_id',
  'posted_at',
  'text',
  'lang',
  'urls',
  'hashtags',
  'mentions',
  'repost_of',
  'reply_to',
  'media_hashes',
  'account.id',
  'account.handle',
  'account.display_name',
  'account.bio',
  'account.created_at',
  'account.followers',
  'account.following',
  'account.location',
  'account.avatar_hash',
] as const;

export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/**
 * - timezone: IANA zone of naive timestamps (`America/New_York`)
 * - delimiter: `,` (default), `;`, `|`, `tab`
 * - repost_from_text: `rt-prefix` (default when repost_of is not mapped: `RT @user: …` texts get
 *   the synthetic key of repost-key.ts) or `none`
 */
export const MAPPING_OPTIONS = ['timezone', 'delimiter', 'repost_from_text'] as const;

const KNOWN = new Set<string>([...MAPPABLE_FIELDS, ...MAPPING_OPTIONS]);

function checkKeys(m: ColumnMapping, source: string): ColumnMapping {
  for (const [k, v] of Object.entries(m)) {
    if (!KNOWN.has(k)) {
      throw new InputError(
        `column mapping ${source}: unknown key "${k}"; fields: ${MAPPABLE_FIELDS.join(', ')}; options: ${MAPPING_OPTIONS.join(', ')}`,
      );
    }
    if (typeof v !== 'string' || v.length === 0)
      throw new InputError(`column mapping ${source}: "${k}" needs a non-empty string value`);
  }
  if (
    m.repost_from_text !== undefined &&
    m.repost_from_text !== 'rt-prefix' &&
    m.repost_from_text !== 'none'
  ) {
    throw new InputError(
      `column mapping ${source}: repost_from_text must be rt-prefix or none, not "${m.repost_from_text}"`,
    );
  }
  return m;
}

/** `{ account: { id: "userID" } }` → `{ "account.id": "userID" }` */
function flatten(
  obj: Record<string, unknown>,
  prefix: string,
  out: ColumnMapping,
  source: string,
): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      flatten(v as Record<string, unknown>, key, out, source);
    else if (typeof v === 'string') out[key] = v;
    else throw new InputError(`column mapping ${source}: "${key}" must be a string`);
  }
}

function fromJson(text: string, source: string): ColumnMapping {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new InputError(`column mapping ${source}: invalid JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(`column mapping ${source}: expected a JSON object`);
  const out: ColumnMapping = {};
  flatten(v as Record<string, unknown>, '', out, source);
  return checkKeys(out, source);
}

/**
 * From the command line: `post_id=tweet_id,account.id=userID,…`, inline JSON, or the path of a
 * JSON file holding either form's object.
 */
export function parseColumnMapping(spec: string): ColumnMapping {
  const s = spec.trim();
  if (s.length === 0) throw new InputError('column mapping is empty');
  if (s.startsWith('{')) return fromJson(s, '(inline JSON)');
  if (!s.includes('=') || s.endsWith('.json')) {
    let text: string;
    try {
      text = fs.readFileSync(s, 'utf8');
    } catch (err) {
      throw new InputError(
        `column mapping file ${s}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    return fromJson(text, s);
  }
  const out: ColumnMapping = {};
  for (const part of s.split(',')) {
    if (part.trim().length === 0) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new InputError(`column mapping: "${part}" is not field=column`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return checkKeys(out, `"${s.length > 80 ? s.slice(0, 80) + '…' : s}"`);
}
