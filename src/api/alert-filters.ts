import { ALERT_SORTS } from '../db/review-repository.ts';
import type { AlertFilters, AlertSort } from '../db/review-repository.ts';
import { ALERT_STATUSES } from '../db/schema/index.ts';
import type { AlertStatus } from '../db/schema/index.ts';
import { badRequest } from './errors.ts';
import { blankIsUnset, cursor, isoTime, limit, text } from './schemas.ts';
import { z } from 'zod';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Query string of the alert list, as the API and the console queue both take it. */
export const alertQuerySchema = z.strictObject({
  status: text(200)
    .optional()
    .describe(`comma-separated: ${ALERT_STATUSES.join(', ')}`),
  severity: text(200)
    .optional()
    .describe(`comma-separated: ${SEVERITIES.join(', ')}`),
  min_score: blankIsUnset(z.coerce.number().min(0).max(1000).optional()),
  max_score: blankIsUnset(z.coerce.number().min(0).max(1000).optional()),
  narrative: text(100).optional().describe('narrative id or part of its title'),
  platform: text(50).optional(),
  from: z.union([isoTime('activity at or after'), z.literal('')]).optional(),
  to: z.union([isoTime('activity before'), z.literal('')]).optional(),
  assignee: text(100).optional().describe('a key name, or "none" for unassigned'),
  q: text(100).optional().describe("part of a member's handle, name or account id"),
  sort: z.enum(ALERT_SORTS).default('-score'),
  limit: limit(200, 50),
  cursor: cursor('alerts').optional(),
});

export type AlertQuery = z.output<typeof alertQuerySchema>;

function list<T extends string>(
  name: string,
  v: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const xs = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const x of xs)
    if (!allowed.includes(x as T))
      throw badRequest(`${name}: "${x}" is not one of ${allowed.join(', ')}`);
  return xs as T[];
}

function time(name: string, v: string | undefined): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw badRequest(`${name}: expected an ISO time, got "${v}"`);
  return new Date(t);
}

export function toFilters(q: AlertQuery): {
  filters: AlertFilters;
  sort: AlertSort;
  limit: number;
  cursor: string | null;
} {
  const filters: AlertFilters = {
    status: list('status', q.status, ALERT_STATUSES) as AlertStatus[] | undefined,
    severity: list('severity', q.severity, SEVERITIES),
    minScore: q.min_score,
    maxScore: q.max_score,
    narrative: q.narrative?.trim() || undefined,
    platform: q.platform?.trim() || undefined,
    from: time('from', q.from),
    to: time('to', q.to),
    assignee:
      q.assignee === undefined || q.assignee === ''
        ? undefined
        : q.assignee === 'none'
          ? null
          : q.assignee,
    q: q.q?.trim() || undefined,
  };
  if (
    filters.minScore !== undefined &&
    filters.maxScore !== undefined &&
    filters.minScore > filters.maxScore
  ) {
    throw badRequest('min_score is above max_score');
  }
  const sort = (q.sort ?? '-score') as AlertSort;
  if (!ALERT_SORTS.includes(sort)) throw badRequest(`sort: one of ${ALERT_SORTS.join(', ')}`);
  return { filters, sort, limit: q.limit ?? 50, cursor: q.cursor || null };
}
