import { z } from 'zod';
import type { ChunkInput } from '../db/ingest-repository.ts';

/**
 * Job payloads are untrusted. The envelope is checked with zod; posts are checked for
 * the fields the writer relies on (a full schema parse of 5,000 posts per job would cost
 * more than writing them).
 */
const rejectedSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  raw: z.string(),
  reason: z.string().min(1),
});

const envelope = z.object({
  batchId: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  posts: z.array(z.unknown()).max(100_000),
  rejected: z.array(rejectedSchema).max(100_000),
});

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const isStrArr = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';

export function parseIngestPayload(data: unknown): ChunkInput {
  const env = envelope.safeParse(data);
  if (!env.success) {
    const i = env.error.issues[0]!;
    throw new PayloadError(`bad ingest payload: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  env.data.posts.forEach((p, i) => {
    const why = checkPost(p);
    if (why) throw new PayloadError(`bad ingest payload: posts[${i}]: ${why}`);
  });
  return env.data as ChunkInput;
}

function checkPost(p: unknown): string | null {
  if (typeof p !== 'object' || p === null) return 'not an object';
  const o = p as Record<string, unknown>;
  for (const k of ['platform', 'post_id', 'text'] as const) if (typeof o[k] !== 'string') return `${k} is not a string`;
  if (typeof o.posted_at !== 'string' || !ISO.test(o.posted_at)) return 'posted_at is not an ISO UTC timestamp';
  for (const k of ['urls', 'hashtags', 'mentions'] as const) if (!isStrArr(o[k])) return `${k} is not a list of strings`;
  if (o.media_hashes !== undefined && !isStrArr(o.media_hashes)) return 'media_hashes is not a list of strings';
  if (o.objects !== undefined && !isStrArr(o.objects)) return 'objects is not a list of strings';
  for (const k of ['lang', 'repost_of', 'reply_to'] as const) if (!isStrOrNull(o[k])) return `${k} is not a string or null`;
  const a = o.account as Record<string, unknown> | null;
  if (typeof a !== 'object' || a === null || typeof a.id !== 'string') return 'account.id is not a string';
  return null;
}
