import type { TimeWindow } from '../core/alerts/windows.ts';
import type { AlertNotice } from '../core/alerts/notices.ts';

/**
 * Every deterministic job id, in one place. A job id is how a queue absorbs a duplicate: a
 * re-queued chunk, a window queued by many chunks, a retried notification are the same job.
 * (BullMQ takes a custom id with a colon only when it has exactly two.)
 */

/** `ingest:<batch>:<seq>`: a re-queued chunk is the same job. */
export const ingestJobId = (batchId: number, seq: number) => `ingest:${batchId}:${seq}`;

/** `detect:2016-09-27T01:10`: one job per detection window, whatever the number of chunks landing in it. */
export const detectJobId = (w: TimeWindow) => `detect:${w.start.toISOString().slice(0, 16)}`;

/** The follow-up of a window that changed while it ran; the two ids alternate, so one of them is always free. */
export const detectAgainJobId = (w: TimeWindow) => `detect-again:${w.start.toISOString().slice(0, 16)}`;

/** The other id of a window's pair: a running window requeues itself under it. */
export const nextDetectJobId = (w: TimeWindow, current: string) => (current.startsWith('detect-again:') ? detectJobId(w) : detectAgainJobId(w));

/** One delivery per alert, event and severity reached: a retried scan never notifies twice. */
export const notifyJobId = (n: Pick<AlertNotice, 'alertId' | 'event' | 'severity'>) => `notify:${n.alertId}:${n.event}-${n.severity}`;

/**
 * `scan:<kind>:<from>-<to>`: the same scan asked for twice is one job. A caller that wants a
 * second run of the same window (the API's manual trigger) passes a suffix.
 */
export const scanJobId = (kind: string, w: TimeWindow, suffix?: string) => `scan:${kind}:${w.start.getTime()}-${w.end.getTime()}${suffix ? `:${suffix}` : ''}`;
