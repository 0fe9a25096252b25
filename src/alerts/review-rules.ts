import type { AlertStatus, ApiRole } from '../db/schema/index.ts';
import { ALERT_STATUSES } from '../db/schema/index.ts';

/**
 * The review rules, in one place: which moves an alert may make, which role each move needs,
 * which need a note. The alert service enforces them on write; the API, the console (through
 * the page's data attributes) and the CLI ask them before offering a move.
 */

export class AlertTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertTransitionError';
  }
}

/** Review moves an analyst may make; everything else is refused with a reason. */
export const TRANSITIONS: Record<AlertStatus, readonly AlertStatus[]> = {
  open: ['in_review', 'confirmed', 'dismissed', 'escalated'],
  in_review: ['open', 'confirmed', 'dismissed', 'escalated'],
  escalated: ['in_review', 'confirmed', 'dismissed'],
  confirmed: ['in_review'],
  dismissed: ['open', 'in_review'],
};

/** Decisions need a reason where they close a network without confirming it. */
export const NOTE_REQUIRED: readonly AlertStatus[] = ['dismissed', 'escalated'];

/** What a caller needs. `ingest` keys only post data; the others are a ladder. */
export type Need = 'viewer' | 'analyst' | 'lead' | 'admin' | 'ingest';

const RANK: Record<Exclude<ApiRole, 'ingest'>, number> = { viewer: 1, analyst: 2, lead: 3, admin: 4 };

export function allows(role: ApiRole, need: Need): boolean {
  if (need === 'ingest') return role === 'ingest' || role === 'admin';
  if (role === 'ingest') return false;
  return RANK[role] >= RANK[need];
}

/** Roles that may write review decisions at all (take into review, assign, note, decide members). */
export const canReview = (role: ApiRole) => allows(role, 'analyst');

/**
 * Who may make a move: analysts take open alerts into review and decide them; undoing a
 * decision (or anything back to open) is a lead's call.
 */
export function transitionNeeds(from: AlertStatus, to: AlertStatus): 'analyst' | 'lead' {
  if (to === 'open') return 'lead';
  return from === 'open' || from === 'in_review' ? 'analyst' : 'lead';
}

/** Why a move is refused whatever the role, or null when the state machine allows it. */
export function transitionRefusal(id: number, from: AlertStatus, to: AlertStatus): string | null {
  if (!ALERT_STATUSES.includes(to)) return `unknown status "${to}"; use one of ${ALERT_STATUSES.join(', ')}`;
  if (!TRANSITIONS[from].includes(to)) return `alert ${id} is ${from}; it can move to ${TRANSITIONS[from].join(', ')}, not ${to}`;
  return null;
}

export function canTransition(role: ApiRole, from: AlertStatus, to: AlertStatus): boolean {
  return TRANSITIONS[from].includes(to) && allows(role, transitionNeeds(from, to));
}

/** The moves a role may make from a state, in the order of ALERT_STATUSES. */
export const allowedMoves = (role: ApiRole, from: AlertStatus): AlertStatus[] => ALERT_STATUSES.filter((to) => canTransition(role, from, to));
