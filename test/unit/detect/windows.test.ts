import { describe, expect, it } from 'vitest';
import { windowOf, windowsOf } from '../../../src/core/alerts/windows.ts';
import { detectAgainJobId, detectJobId, notifyJobId } from '../../../src/queue/job-ids.ts';

// BullMQ refuses a custom job id with a colon unless it has exactly two (job.js validateOptions).
const bullAccepts = (id: string) => !id.includes(':') || id.split(':').length === 3;

describe('detection windows', () => {
  const TEN = 600_000;
  it('are epoch-aligned, so a post always lands in the same window', () => {
    const t = Date.parse('2016-09-27T01:17:42.500Z');
    expect(windowOf(t, TEN)).toEqual({ start: new Date('2016-09-27T01:10:00Z'), end: new Date('2016-09-27T01:20:00Z') });
    expect(windowOf(Date.parse('2016-09-27T01:20:00Z'), TEN).start).toEqual(new Date('2016-09-27T01:20:00Z'));
  });

  it('a chunk yields each window it touches once, oldest first', () => {
    const ts = ['01:59:59', '01:00:00', '01:05:00', '02:00:00', '01:00:01'].map((x) => Date.parse(`2016-09-27T${x}Z`));
    expect(windowsOf(ts, TEN).map((w) => w.start.toISOString().slice(11, 16))).toEqual(['01:00', '01:50', '02:00']);
  });

  it('job ids are deterministic and accepted by BullMQ', () => {
    const w = windowOf(Date.parse('2016-09-27T01:17:00Z'), TEN);
    expect(detectJobId(w)).toBe('detect:2016-09-27T01:10');
    expect(bullAccepts(detectJobId(w))).toBe(true);
    expect(detectAgainJobId(w)).toBe('detect-again:2016-09-27T01:10');
    expect(bullAccepts(detectAgainJobId(w))).toBe(true);
    const n = notifyJobId({ alertId: 12, event: 'escalated', severity: 'critical' });
    expect(n).toBe('notify:12:escalated-critical');
    expect(bullAccepts(n)).toBe(true);
  });
});
