import { z } from 'zod';
import { ALERT_STATUSES, API_ROLES, MEMBER_DECISIONS } from '../db/schema/index.ts';

/**
 * The API contract: every request is validated by these zod schemas, and the OpenAPI document
 * (`/docs/json`) is generated from the same schemas (fastify-type-provider-zod). Responses are
 * documented here and checked against the document by test/integration/api-contract.test.ts;
 * row objects are open (a new column is not a breaking change), envelopes are closed.
 */

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;

/** A string of at most `max` characters and no NUL (Postgres cannot store one; it is never meant). */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !NUL.test(s), { message: 'must not contain a NUL character (\\u0000)' });

/** An empty form field (`?min_score=`) means "not given", not zero. */
export const blankIsUnset = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), inner);

/** A positive integer id (a path segment or a query value). */
export const id = () => z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Page size: an integer from 1 to `max` (Infinity, 1e400, NaN and fractions are refused). */
export const limit = (max: number, def: number) =>
  z.coerce.number().int().min(1).max(max).default(def).describe(`page size, 1 to ${max}`);

/** An ISO-8601 time with a zone (`2016-10-01T12:00:00Z` or `…+02:00`). */
export const isoTime = (description: string) =>
  z.iso.datetime({ offset: true }).describe(description);

const CURSOR_MAX = 1000;

function decodeCursor(s: string): unknown {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const finite = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
const isIso = (v: unknown) =>
  typeof v === 'string' && v.length <= 40 && Number.isFinite(Date.parse(v));
const cleanText = (v: unknown, max: number) =>
  typeof v === 'string' && v.length <= max && !NUL.test(v);

/**
 * A cursor is opaque: pass `next_cursor` of one page to get the next. It is checked here
 * before it reaches SQL, so a hand-made one is a 400 `invalid_request`, never a 500.
 */
export const cursor = (kind: 'alerts' | 'posts') =>
  z
    .string()
    .max(CURSOR_MAX)
    .regex(/^[A-Za-z0-9_-]*$/, 'not a cursor this API gave out')
    .refine(
      (s) => {
        if (s === '') return true;
        const v = decodeCursor(s);
        if (!Array.isArray(v) || v.length !== 2) return false;
        const [a, b] = v as [unknown, unknown];
        if (kind === 'posts') return isIso(a) && cleanText(b, 700);
        return (
          (a === null || finite(a) || isIso(a)) &&
          typeof b === 'number' &&
          Number.isSafeInteger(b) &&
          b >= 0
        );
      },
      { message: 'not a cursor this API gave out' },
    )
    .describe('opaque: the `next_cursor` of the previous page');

// ---------------------------------------------------------------- errors

export const errorSchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'stable machine code, e.g. invalid_request, unauthenticated, forbidden, not_found, csrf, rate_limited, body_too_large, decompressed_too_large',
        ),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The error answers every authenticated route may give. */
export const errors = {
  400: errorSchema.describe('invalid input: a query, path or body value (with `details`)'),
  401: errorSchema.describe('no key, or an unknown or revoked one'),
  403: errorSchema.describe('the key’s role is short, or a console write failed the CSRF check'),
  429: errorSchema.describe('rate limit (per verified key, else per address)'),
  500: errorSchema.describe('internal error; the details are in the server log'),
};
export const with404 = { ...errors, 404: errorSchema.describe('no such object') };

// ---------------------------------------------------------------- rows

const date = () => z.date();

/**
 * A database row: the documented columns are checked, other columns may follow
 * (`additionalProperties: true`), so adding a column does not break the contract. The type
 * stays a closed object, so repository interfaces fit it.
 */
const row = <S extends z.ZodRawShape>(shape: S, id?: string) =>
  z
    .object(shape)
    .meta({ ...(id ? { id } : {}), additionalProperties: true } as Record<string, unknown>);
const json = () => z.unknown();

export const alertSchema = row(
  {
    id: z.number().int(),
    fingerprint: z.string(),
    status: z.enum(ALERT_STATUSES),
    score: z.number(),
    severity: z.string(),
    score_parts: json(),
    verdict: z.string(),
    narratives: json(),
    kinds: z.array(z.string()),
    member_count: z.number().int(),
    first_seen_at: date(),
    last_seen_at: date(),
    detector_version: z.string(),
    assignee: z.string().nullable(),
    created_at: date(),
    updated_at: date(),
  },
  'Alert',
);

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .describe('pass as `cursor` for the next page; null on the last page'),
    })
    .meta({ id: name });

export const memberSchema = row(
  {
    account_key: z.string(),
    platform: z.string(),
    account_id: z.string(),
    handle: z.string().nullable(),
    display_name: z.string().nullable(),
    location: z.string().nullable(),
    bio: z.string().nullable(),
    created_at: date().nullable(),
    followers: z.number().nullable(),
    following: z.number().nullable(),
    role: z.string(),
    cohesion: z.number(),
    shared: z.number(),
    degree: z.number(),
    suspicion: z.number().nullable(),
    watchlisted: z.boolean(),
    signals: json(),
    decision: z.enum(MEMBER_DECISIONS).nullable(),
    decision_note: z.string().nullable(),
    decided_by: z.string().nullable(),
  },
  'Member',
);

const evidencePostSchema = row({
  key: z.string(),
  account: z.string(),
  handle: z.string().nullable(),
  posted_at: date(),
  text: z.string(),
  urls: z.array(z.string()),
  hashtags: z.array(z.string()),
  repost_of: z.string().nullable(),
});

export const evidenceSchema = row(
  {
    id: z.number().int(),
    alert_id: z.number().int(),
    kind: z.string(),
    key: z.string(),
    post_ids: z.array(z.string()),
    description: z.string(),
    data: json(),
    created_at: date(),
    posts: z.array(evidencePostSchema),
  },
  'Evidence',
);

export const eventSchema = row(
  {
    id: z.number().int(),
    alert_id: z.number().int(),
    at: date(),
    actor: z.string(),
    action: z.string(),
    from_value: z.string().nullable(),
    to_value: z.string().nullable(),
    note: z.string().nullable(),
    data: json(),
  },
  'AlertEvent',
);

const clusterRefSchema = row({
  id: z.number().int(),
  fingerprint: z.string(),
  window_start: date(),
  window_end: date(),
  size: z.number().int(),
  score: z.number(),
  outcome: z.string(),
  scan_run_id: z.number().int().nullable(),
  created_at: date(),
});

const timelinePointSchema = z.object({
  account: z.string(),
  post: z.string(),
  t: z.number(),
  repost: z.boolean(),
});

export const graphSchema = z
  .object({
    nodes: z.array(z.object({ id: z.string(), label: z.string(), role: z.string() })),
    edges: z.array(
      z.object({ a: z.string(), b: z.string(), weight: z.number(), kinds: z.array(z.string()) }),
    ),
    source: z.enum(['stored', 'derived']),
  })
  .meta({ id: 'Graph' });

export const alertViewSchema = z
  .object({
    alert: alertSchema,
    members: z.array(memberSchema),
    evidence: z.array(evidenceSchema),
    events: z.array(eventSchema),
    clusters: z.array(clusterRefSchema),
    timeline: z.array(timelinePointSchema),
    allowed_transitions: z
      .array(z.enum(ALERT_STATUSES))
      .describe('the moves this key may make now'),
  })
  .meta({ id: 'AlertView' });

export const alertExportSchema = alertViewSchema
  .omit({ allowed_transitions: true })
  .extend({ graph: graphSchema })
  .meta({ id: 'AlertExport' });

export const postSchema = row(
  {
    platform: z.string(),
    post_id: z.string(),
    account_id: z.string(),
    posted_at: date(),
    text: z.string(),
    lang: z.string().nullable(),
    urls: z.array(z.string()),
    hashtags: z.array(z.string()),
    mentions: z.array(z.string()),
    media_hashes: z.array(z.string()),
    repost_of: z.string().nullable(),
    reply_to: z.string().nullable(),
    batch_id: z.number().int().nullable(),
    ingested_at: date(),
    handle: z.string().nullable(),
  },
  'Post',
);

export const accountSchema = row(
  {
    platform: z.string(),
    account_id: z.string(),
    key: z.string(),
    handle: z.string().nullable(),
    display_name: z.string().nullable(),
    bio: z.string().nullable(),
    created_at: date().nullable(),
    followers: z.number().nullable(),
    following: z.number().nullable(),
    location: z.string().nullable(),
    avatar_hash: z.string().nullable(),
    first_post_at: date().nullable(),
    last_post_at: date().nullable(),
    updated_at: date(),
  },
  'Account',
);

const sightingSchema = row({
  platform: z.string(),
  account_id: z.string(),
  persona_hash: z.string(),
  handle: z.string().nullable(),
  display_name: z.string().nullable(),
  first_seen_at: date(),
  last_seen_at: date(),
  posts: z.number().int(),
});

const accountAlertSchema = row({
  id: z.number().int(),
  status: z.enum(ALERT_STATUSES),
  severity: z.string(),
  score: z.number(),
  verdict: z.string(),
  member_count: z.number().int(),
  last_seen_at: date(),
  role: z.string(),
  signals: json(),
  suspicion: z.number().nullable(),
});

export const accountViewSchema = z
  .object({
    account: accountSchema,
    post_count: z.number().int(),
    sightings: z.array(sightingSchema),
    signals: json(),
    alerts: z.array(accountAlertSchema),
    posts: z.array(postSchema),
    next_posts_cursor: z
      .string()
      .nullable()
      .describe('continue with GET /v1/posts?platform=…&account=…&cursor=…'),
  })
  .meta({ id: 'AccountView' });

export const scanRunSchema = row(
  {
    id: z.number().int(),
    kind: z.string(),
    window_start: date(),
    window_end: date(),
    params: json(),
    stats: json(),
    status: z.string(),
    error: z.string().nullable(),
    job_id: z.string().nullable(),
    detector_version: z.string(),
    started_at: date(),
    finished_at: date().nullable(),
  },
  'ScanRun',
);

export const batchSchema = row(
  {
    id: z.number().int(),
    source: z.string(),
    format: z.string().nullable(),
    file_name: z.string().nullable(),
    status: z.string(),
    total: z.number().int(),
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    chunks_expected: z.number().int().nullable(),
    chunks_done: z.number().int(),
    error: z.string().nullable(),
    started_at: date(),
    finished_at: date().nullable(),
  },
  'IngestBatch',
);

export const rejectedSchema = row(
  {
    id: z.number().int(),
    batch_id: z.number().int(),
    file: z.string(),
    line: z.number().int(),
    raw: z.string(),
    reason: z.string(),
    created_at: date(),
  },
  'RejectedRecord',
);

export const meSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(API_ROLES),
    key_prefix: z.string(),
    created_at: date(),
    roles: z
      .array(z.enum(API_ROLES))
      .describe("the key's own role (what it may do is in the README's role table)"),
    via: z.enum(['header', 'cookie']),
  })
  .meta({ id: 'Me' });

/**
 * OpenAPI 3.0 reads `nullable: true` beside an `enum` as still limited to the enum's values
 * (3.0.3's clarification), so a nullable enum must list `null` itself; zod's 3.0 output does not.
 */
export function nullInNullableEnums<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => nullInNullableEnums(s)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = nullInNullableEnums(v);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...(out.enum as unknown[]), null];
  return out as T;
}
