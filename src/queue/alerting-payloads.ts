import { z } from 'zod';
import type { NoticeEvent } from '../core/alerts/notices.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { PayloadError } from './payloads.ts';

/** Payloads of the detect, scan and notify queues: ids and ranges, validated first. */

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/, 'expected an ISO UTC timestamp');
const DAY = 86_400_000;

const detectSchema = z.object({ windowStart: iso, windowEnd: iso });
const scanSchema = z.object({ kind: z.enum(['rolling', 'deep', 'manual']), from: iso.optional(), to: iso.optional() });
const notifySchema = z.object({
  alertId: z.number().int().positive(),
  event: z.enum(['opened', 'escalated', 'reopened']),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
});

function parse<T>(schema: z.ZodType<T>, what: string, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PayloadError(`bad ${what} payload: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

export function parseDetectPayload(data: unknown): TimeWindow {
  const p = parse(detectSchema, 'detect', data);
  const w = { start: new Date(p.windowStart), end: new Date(p.windowEnd) };
  const span = w.end.getTime() - w.start.getTime();
  if (!(span > 0 && span <= DAY)) throw new PayloadError(`bad detect payload: window must be over 0 and at most a day, got ${span} ms`);
  return w;
}

export const detectPayload = (w: TimeWindow) => ({ windowStart: w.start.toISOString(), windowEnd: w.end.toISOString() });

export interface ScanPayload {
  kind: 'rolling' | 'deep' | 'manual';
  window: TimeWindow | null;
}

export function parseScanPayload(data: unknown): ScanPayload {
  const p = parse(scanSchema, 'scan', data);
  if ((p.from === undefined) !== (p.to === undefined)) throw new PayloadError('bad scan payload: give both from and to, or neither');
  if (p.kind === 'manual' && p.from === undefined) throw new PayloadError('bad scan payload: a manual scan needs from and to');
  if (p.from === undefined) return { kind: p.kind, window: null };
  const w = { start: new Date(p.from), end: new Date(p.to!) };
  const span = w.end.getTime() - w.start.getTime();
  if (!(span > 0 && span <= 366 * DAY)) throw new PayloadError(`bad scan payload: window must be over 0 and at most a year, got ${span} ms`);
  return { kind: p.kind, window: w };
}

export interface NotifyPayload {
  alertId: number;
  event: NoticeEvent;
  severity: 'low' | 'medium' | 'high' | 'critical';
}

export function parseNotifyPayload(data: unknown): NotifyPayload {
  return parse(notifySchema, 'notify', data);
}
