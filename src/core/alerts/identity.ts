/**
 * Alert identity, as plain data: which open alert a new cluster belongs to, whether a
 * dismissed one stays quiet, or whether it opens a new alert. No I/O, so every rule is
 * unit-tested; the alert repository loads the state, runs the plan and writes it.
 */

export interface IdentityPolicy {
  /** member overlap (|C ∩ A| / min(|C|, |A|)) at which a cluster belongs to an alert */
  overlap: number;
  /** clusters below this score never open or touch alerts */
  minScore: number;
  /** a dismissed cluster comes back when its new members reach this share of the dismissed size… */
  reopenGrowth: number;
  /** …and at least this many */
  reopenMinNew: number;
}

export interface AlertState {
  /** negative for alerts opened earlier in the same plan (not yet written) */
  id: number;
  dismissed: boolean;
  members: Set<string>;
}

export interface SuppressionState {
  id: number;
  alertId: number;
  members: Set<string>;
}

export interface ClusterRef {
  fingerprint: string;
  /** sorted account keys */
  members: readonly string[];
  score: number;
}

export type Decision =
  | { kind: 'below_threshold' }
  | { kind: 'open'; alertId: number }
  | { kind: 'update'; alertId: number; newMembers: string[] }
  | { kind: 'suppressed'; alertId: number; suppressionId: number; newMembers: string[] }
  | { kind: 'reopen'; alertId: number; suppressionId: number; newMembers: string[]; dismissedSize: number };

export function intersectionSize(members: readonly string[], set: ReadonlySet<string>): number {
  let n = 0;
  for (const m of members) if (set.has(m)) n++;
  return n;
}

/** |C ∩ A| / min(|C|, |A|): a cluster that is a subset or a superset of an alert belongs to it. */
export function overlapOf(members: readonly string[], set: ReadonlySet<string>): number {
  const smaller = Math.min(members.length, set.size);
  return smaller === 0 ? 0 : intersectionSize(members, set) / smaller;
}

/** New members a dismissed cluster must gain before it may come back. */
export function materialGrowth(dismissedSize: number, policy: IdentityPolicy): number {
  return Math.max(policy.reopenMinNew, Math.ceil(policy.reopenGrowth * dismissedSize));
}

function best<T extends { id: number; members: Set<string> }>(members: readonly string[], candidates: Iterable<T>, threshold: number): T | null {
  let top: T | null = null;
  let topInter = 0;
  let topOverlap = 0;
  for (const c of candidates) {
    const inter = intersectionSize(members, c.members);
    if (inter === 0) continue;
    const ov = inter / Math.min(members.length, c.members.size);
    if (ov < threshold) continue;
    // most shared members first, then the tighter overlap, then the older alert
    if (!top || inter > topInter || (inter === topInter && (ov > topOverlap || (ov === topOverlap && Math.abs(c.id) < Math.abs(top.id))))) {
      top = c;
      topInter = inter;
      topOverlap = ov;
    }
  }
  return top;
}

/**
 * Decide, cluster by cluster (highest score first), what each does to the alerts. The state
 * is updated as it goes, so two clusters of one run that overlap each other end in one alert.
 */
export function planAlerts(
  clusters: readonly ClusterRef[],
  alerts: AlertState[],
  suppressions: SuppressionState[],
  policy: IdentityPolicy,
): Map<string, Decision> {
  const live = new Map(alerts.filter((a) => !a.dismissed).map((a) => [a.id, { ...a, members: new Set(a.members) }]));
  const supp = new Map(suppressions.map((s) => [s.id, { ...s, members: new Set(s.members) }]));
  const out = new Map<string, Decision>();
  let provisional = 0;
  const ordered = [...clusters].sort((a, b) => b.score - a.score || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  for (const c of ordered) {
    if (out.has(c.fingerprint)) continue;
    if (c.score < policy.minScore) {
      out.set(c.fingerprint, { kind: 'below_threshold' });
      continue;
    }
    const alert = best(c.members, live.values(), policy.overlap);
    if (alert) {
      const newMembers = c.members.filter((m) => !alert.members.has(m));
      for (const m of newMembers) alert.members.add(m);
      out.set(c.fingerprint, { kind: 'update', alertId: alert.id, newMembers });
      continue;
    }
    const s = best(c.members, supp.values(), policy.overlap);
    if (s) {
      const newMembers = c.members.filter((m) => !s.members.has(m));
      if (newMembers.length >= materialGrowth(s.members.size, policy)) {
        out.set(c.fingerprint, { kind: 'reopen', alertId: s.alertId, suppressionId: s.id, newMembers, dismissedSize: s.members.size });
        supp.delete(s.id);
        live.set(s.alertId, { id: s.alertId, dismissed: false, members: new Set([...s.members, ...c.members]) });
      } else {
        out.set(c.fingerprint, { kind: 'suppressed', alertId: s.alertId, suppressionId: s.id, newMembers });
      }
      continue;
    }
    const id = --provisional;
    live.set(id, { id, dismissed: false, members: new Set(c.members) });
    out.set(c.fingerprint, { kind: 'open', alertId: id });
  }
  return out;
}

export const SEVERITY_RANK: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };
