/**
 * Detection windows: fixed, epoch-aligned spans, so the same post always falls in the same
 * window and a window's job id is deterministic.
 */

export interface TimeWindow {
  start: Date;
  end: Date;
}

export function windowOf(tMs: number, sizeMs: number): TimeWindow {
  const start = Math.floor(tMs / sizeMs) * sizeMs;
  return { start: new Date(start), end: new Date(start + sizeMs) };
}

/** The distinct windows a set of post times falls in, oldest first. */
export function windowsOf(timesMs: Iterable<number>, sizeMs: number): TimeWindow[] {
  const starts = new Set<number>();
  for (const t of timesMs) starts.add(Math.floor(t / sizeMs) * sizeMs);
  return [...starts].sort((a, b) => a - b).map((s) => ({ start: new Date(s), end: new Date(s + sizeMs) }));
}

export const minutes = (m: number) => m * 60_000;
