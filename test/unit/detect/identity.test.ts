import { describe, expect, it } from 'vitest';
import { materialGrowth, overlapOf, planAlerts } from '../../../src/core/alerts/identity.ts';
import type { IdentityPolicy } from '../../../src/core/alerts/identity.ts';

const P: IdentityPolicy = { overlap: 0.5, minScore: 50, reopenGrowth: 0.5, reopenMinNew: 3 };
const ids = (p: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${p}${i + from}`);
const c = (fingerprint: string, members: string[], score = 70) => ({ fingerprint, members: [...members].sort(), score });

describe('alert identity', () => {
  it('overlap is measured against the smaller side: a subset or superset belongs', () => {
    expect(overlapOf(ids('a', 3), new Set(ids('a', 10)))).toBe(1);
    expect(overlapOf(ids('a', 10), new Set(ids('a', 3)))).toBe(1);
    expect(overlapOf([...ids('a', 2), ...ids('b', 2)], new Set(ids('a', 4)))).toBe(0.5);
    expect(overlapOf([], new Set(['x']))).toBe(0);
  });

  it('a cluster joins the alert it shares most members with, above the threshold only', () => {
    const alerts = [
      { id: 1, dismissed: false, members: new Set(ids('a', 6)) },
      { id: 2, dismissed: false, members: new Set([...ids('a', 2, 4), ...ids('b', 6)]) },
    ];
    const plan = planAlerts([c('x', [...ids('a', 5), 'z']), c('y', [...ids('q', 3), 'a0'])], alerts, [], P);
    expect(plan.get('x')).toEqual({ kind: 'update', alertId: 1, newMembers: ['z'] });
    expect(plan.get('y')).toEqual({ kind: 'open', alertId: -1 });
  });

  it('weak clusters touch nothing; clusters of one run merge into the alert the strongest opened', () => {
    const plan = planAlerts([c('weak', ids('a', 4), 49.9), c('s2', [...ids('a', 3), 'n'], 60), c('s1', ids('a', 4), 80)], [], [], P);
    expect(plan.get('weak')).toEqual({ kind: 'below_threshold' });
    expect(plan.get('s1')).toEqual({ kind: 'open', alertId: -1 });
    expect(plan.get('s2')).toEqual({ kind: 'update', alertId: -1, newMembers: ['n'] });
  });

  it('a dismissed network stays suppressed until it gains max(minNew, growth × size) new members', () => {
    expect(materialGrowth(4, P)).toBe(3);
    expect(materialGrowth(10, P)).toBe(5);
    const supp = [{ id: 7, alertId: 3, members: new Set(ids('a', 10)) }];
    const dismissed = [{ id: 3, dismissed: true, members: new Set(ids('a', 10)) }];
    expect(planAlerts([c('x', [...ids('a', 10), ...ids('n', 4)])], dismissed, supp, P).get('x')).toMatchObject({ kind: 'suppressed', alertId: 3, suppressionId: 7 });
    expect(planAlerts([c('x', [...ids('a', 10), ...ids('n', 5)])], dismissed, supp, P).get('x')).toMatchObject({ kind: 'reopen', alertId: 3, dismissedSize: 10 });
    // a dismissed alert is never simply updated
    expect(planAlerts([c('x', ids('a', 10))], dismissed, [], P).get('x')).toEqual({ kind: 'open', alertId: -1 });
  });

  it('the plan does not depend on the order clusters arrive in', () => {
    const cs = [c('p', ids('a', 5), 70), c('q', [...ids('a', 3), ...ids('b', 3)], 65), c('r', ids('c', 4), 90)];
    const one = planAlerts(cs, [], [], P);
    const two = planAlerts([...cs].reverse(), [], [], P);
    expect([...two.entries()].sort()).toEqual([...one.entries()].sort());
  });
});
