import { ALERT_SORTS } from '../db/review-repository.ts';
import type { AlertFilters, AlertSort } from '../db/review-repository.ts';
import { ALERT_STATUSES } from '../db/schema/index.ts';
import type { AlertStatus } from '../db/schema/index.ts';
import { badRequest } from './errors.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Query string of the alert list, as the API and the console queue both take it. */
export interface AlertQuery {
  status?: string;
  severity?: string;
  min_score?: number;
  max_score?: number;
  narrative?: string;
  platform?: string;
  from?: string;
  to?: string;
  assignee?: string;
  q?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
}

export const alertQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', maxLength: 200, description: `comma-separated: ${ALERT_STATUSES.join(', ')}` },
    severity: { type: 'string', maxLength: 200, description: `comma-separated: ${SEVERITIES.join(', ')}` },
    min_score: { type: 'number', minimum: 0, maximum: 1000 },
    max_score: { type: 'number', minimum: 0, maximum: 1000 },
    narrative: { type: 'string', maxLength: 100, description: 'narrative id or part of its title' },
    platform: { type: 'string', maxLength: 50 },
    from: { type: 'string', format: 'date-time', description: 'activity at or after' },
    to: { type: 'string', format: 'date-time', description: 'activity before' },
    assignee: { type: 'string', maxLength: 100, description: 'a key name, or "none" for unassigned' },
    q: { type: 'string', maxLength: 100, description: "part of a member's handle, name or account id" },
    sort: { type: 'string', enum: [...ALERT_SORTS], default: '-score' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', maxLength: 500 },
  },
} as const;

function list<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const xs = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const x of xs) if (!allowed.includes(x as T)) throw badRequest(`${name}: "${x}" is not one of ${allowed.join(', ')}`);
  return xs as T[];
}

function time(name: string, v: string | undefined): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw badRequest(`${name}: expected an ISO time, got "${v}"`);
  return new Date(t);
}

export function toFilters(q: AlertQuery): { filters: AlertFilters; sort: AlertSort; limit: number; cursor: string | null } {
  const filters: AlertFilters = {
    status: list('status', q.status, ALERT_STATUSES) as AlertStatus[] | undefined,
    severity: list('severity', q.severity, SEVERITIES),
    minScore: q.min_score,
    maxScore: q.max_score,
    narrative: q.narrative?.trim() || undefined,
    platform: q.platform?.trim() || undefined,
    from: time('from', q.from),
    to: time('to', q.to),
    assignee: q.assignee === undefined || q.assignee === '' ? undefined : q.assignee === 'none' ? null : q.assignee,
    q: q.q?.trim() || undefined,
  };
  if (filters.minScore !== undefined && filters.maxScore !== undefined && filters.minScore > filters.maxScore) {
    throw badRequest('min_score is above max_score');
  }
  const sort = (q.sort ?? '-score') as AlertSort;
  if (!ALERT_SORTS.includes(sort)) throw badRequest(`sort: one of ${ALERT_SORTS.join(', ')}`);
  return { filters, sort, limit: q.limit ?? 50, cursor: q.cursor || null };
}
