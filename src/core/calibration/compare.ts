/**
 * Shadow-mode comparison, as plain data: the clusters a live detector config and a candidate
 * found on the same windows, scored against the alerts analysts reviewed. A reviewed alert is
 * matched to the run's cluster that overlaps its members most (|C ∩ A| / min(|C|, |A|), the
 * alert identity rule) at `overlap` or more; the run "alerts" it when that cluster reaches
 * `alertAt`. Confirmed alerts should be alerted, dismissed ones should not; per-member
 * decisions check that coordinated members stay in and bystanders stay out.
 */
export interface RunCluster {
  id: string;
  members: readonly string[];
  score: number;
}

export interface ReviewedAlert {
  alertId: string | number;
  members: readonly string[];
  verdict: 'confirmed' | 'dismissed';
  /** per-member decisions, where the analyst made them */
  memberDecisions?: Readonly<Record<string, 'coordinated' | 'bystander' | 'unsure'>>;
}

export interface RunAgreement {
  /** confirmed alerts the run alerts on */
  confirmedAlerted: number;
  confirmedMissed: number;
  dismissedAlerted: number;
  dismissedQuiet: number;
  /** share of reviewed alerts where the run agrees with the verdict */
  agreement: number | null;
  /** members decided coordinated that the run puts in its alerted cluster / all decided coordinated */
  coordinatedKept: number;
  coordinatedDecided: number;
  /** members decided bystander that the run still puts in its alerted cluster */
  bystandersKept: number;
  bystandersDecided: number;
}

export interface RunComparison {
  reviewed: number;
  live: RunAgreement;
  candidate: RunAgreement;
  /** reviewed alerts where the two runs disagree on alerting */
  changed: {
    alertId: string | number;
    verdict: 'confirmed' | 'dismissed';
    live: { cluster: string; score: number } | null;
    candidate: { cluster: string; score: number } | null;
    liveAlerts: boolean;
    candidateAlerts: boolean;
  }[];
}

export interface CompareOptions {
  overlap: number;
  /** lowest score that alerts */
  alertAt: number;
}

function bestMatch(clusters: readonly RunCluster[], members: ReadonlySet<string>, overlap: number): RunCluster | null {
  let best: RunCluster | null = null;
  let bestOverlap = 0;
  for (const c of clusters) {
    let inter = 0;
    for (const m of c.members) if (members.has(m)) inter++;
    const smaller = Math.min(c.members.length, members.size);
    const o = smaller ? inter / smaller : 0;
    if (o >= overlap && (o > bestOverlap || (o === bestOverlap && best !== null && c.score > best.score))) {
      best = c;
      bestOverlap = o;
    }
  }
  return best;
}

function agreementOf(matches: { alert: ReviewedAlert; cluster: RunCluster | null; alerts: boolean }[]): RunAgreement {
  const a: RunAgreement = {
    confirmedAlerted: 0,
    confirmedMissed: 0,
    dismissedAlerted: 0,
    dismissedQuiet: 0,
    agreement: null,
    coordinatedKept: 0,
    coordinatedDecided: 0,
    bystandersKept: 0,
    bystandersDecided: 0,
  };
  for (const m of matches) {
    if (m.alert.verdict === 'confirmed') {
      if (m.alerts) a.confirmedAlerted++;
      else a.confirmedMissed++;
    } else if (m.alerts) a.dismissedAlerted++;
    else a.dismissedQuiet++;
    const inside = m.alerts && m.cluster ? new Set(m.cluster.members) : new Set<string>();
    for (const [acc, d] of Object.entries(m.alert.memberDecisions ?? {})) {
      if (d === 'coordinated') {
        a.coordinatedDecided++;
        if (inside.has(acc)) a.coordinatedKept++;
      } else if (d === 'bystander') {
        a.bystandersDecided++;
        if (inside.has(acc)) a.bystandersKept++;
      }
    }
  }
  const n = matches.length;
  a.agreement = n ? (a.confirmedAlerted + a.dismissedQuiet) / n : null;
  return a;
}

export function compareRuns(
  liveClusters: readonly RunCluster[],
  candidateClusters: readonly RunCluster[],
  verdicts: readonly ReviewedAlert[],
  opts: CompareOptions = { overlap: 0.5, alertAt: 40 },
): RunComparison {
  const sorted = [...verdicts].sort((x, y) => (String(x.alertId) < String(y.alertId) ? -1 : String(x.alertId) > String(y.alertId) ? 1 : 0));
  const liveM: { alert: ReviewedAlert; cluster: RunCluster | null; alerts: boolean }[] = [];
  const candM: typeof liveM = [];
  const changed: RunComparison['changed'] = [];
  for (const alert of sorted) {
    const members = new Set(alert.members);
    const l = bestMatch(liveClusters, members, opts.overlap);
    const c = bestMatch(candidateClusters, members, opts.overlap);
    const la = !!l && l.score >= opts.alertAt;
    const ca = !!c && c.score >= opts.alertAt;
    liveM.push({ alert, cluster: l, alerts: la });
    candM.push({ alert, cluster: c, alerts: ca });
    if (la !== ca) {
      changed.push({
        alertId: alert.alertId,
        verdict: alert.verdict,
        live: l ? { cluster: l.id, score: l.score } : null,
        candidate: c ? { cluster: c.id, score: c.score } : null,
        liveAlerts: la,
        candidateAlerts: ca,
      });
    }
  }
  return { reviewed: sorted.length, live: agreementOf(liveM), candidate: agreementOf(candM), changed };
}
