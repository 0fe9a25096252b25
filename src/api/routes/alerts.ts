import type { FastifyInstance } from 'fastify';
import { alertRepository, AlertTransitionError, TRANSITIONS } from '../../db/alert-repository.ts';
import { CursorError, reviewRepository } from '../../db/review-repository.ts';
import { ALERT_STATUSES, MEMBER_DECISIONS } from '../../db/schema/index.ts';
import type { AlertStatus, ApiRole, MemberDecisionValue } from '../../db/schema/index.ts';
import { actorOf, allows, requireRole } from '../auth.ts';
import { loadAlertView, loadGraph } from '../alert-view.ts';
import { alertQuerySchema, toFilters } from '../alert-filters.ts';
import type { AlertQuery } from '../alert-filters.ts';
import { ApiError, notFound } from '../errors.ts';
import { graphml, membersCsv } from '../export-formats.ts';
import type { ApiDeps } from '../types.ts';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 9007199254740991 } },
} as const;

const NOTE_MAX = 4000;

/** Decisions need a reason where they close a network without confirming it. */
const NOTE_REQUIRED: readonly AlertStatus[] = ['dismissed', 'escalated'];

/**
 * Who may make a move: analysts take open alerts into review and decide them; undoing a
 * decision (or anything back to open) is a lead's call.
 */
export function transitionNeeds(from: AlertStatus, to: AlertStatus): 'analyst' | 'lead' {
  if (to === 'open') return 'lead';
  return from === 'open' || from === 'in_review' ? 'analyst' : 'lead';
}

export function canTransition(role: ApiRole, from: AlertStatus, to: AlertStatus): boolean {
  return TRANSITIONS[from].includes(to) && allows(role, transitionNeeds(from, to));
}

export function registerAlertRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { db } = deps;
  const review = reviewRepository(db.kysely);
  const alerts = alertRepository(db.kysely);
  const tags = ['alerts'];

  app.get<{ Querystring: AlertQuery }>(
    '/v1/alerts',
    {
      preHandler: requireRole('viewer'),
      schema: { tags, summary: 'List alerts: filters, sorting, cursor pagination', querystring: alertQuerySchema },
    },
    async (req) => {
      const { filters, sort, limit, cursor } = toFilters(req.query);
      try {
        return await review.listAlerts(filters, sort, limit, cursor);
      } catch (err) {
        if (err instanceof CursorError) throw new ApiError(400, 'invalid_cursor', err.message);
        throw err;
      }
    },
  );

  app.get<{ Querystring: AlertQuery }>(
    '/v1/alerts/counts',
    { preHandler: requireRole('viewer'), schema: { tags, summary: 'Alerts per status under the same filters', querystring: alertQuerySchema } },
    async (req) => ({ counts: await review.countByStatus(toFilters(req.query).filters) }),
  );

  app.get<{ Params: { id: number } }>(
    '/v1/alerts/:id',
    { preHandler: requireRole('viewer'), schema: { tags, summary: 'One alert: members, evidence, score parts, timeline, events', params: idParams } },
    async (req) => {
      const view = await loadAlertView(db, req.params.id);
      if (!view) throw notFound(`alert ${req.params.id}`);
      const allowed = ALERT_STATUSES.filter((to) => canTransition(req.apiKey!.role, view.alert.status, to));
      return { ...view, allowed_transitions: allowed };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/alerts/:id/graph',
    { preHandler: requireRole('viewer'), schema: { tags, summary: 'The cluster as a network (nodes, weighted edges)', params: idParams } },
    async (req) => {
      const a = await db.kysely.selectFrom('alerts').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      return loadGraph(db, { alert: a });
    },
  );

  app.post<{ Params: { id: number }; Body: { to: AlertStatus; note?: string } }>(
    '/v1/alerts/:id/transitions',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Move an alert: open → in_review → confirmed | dismissed | escalated; back to open by a lead',
        params: idParams,
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: { to: { type: 'string', enum: [...ALERT_STATUSES] }, note: { type: 'string', maxLength: NOTE_MAX } },
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      const note = req.body.note?.trim() || null;
      const to = req.body.to;
      const current = await db.kysely.selectFrom('alerts').select('status').where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound(`alert ${id}`);
      if (!TRANSITIONS[current.status].includes(to)) {
        throw new ApiError(409, 'illegal_transition', `alert ${id} is ${current.status}; it can move to ${TRANSITIONS[current.status].join(', ')}, not ${to}`, {
          from: current.status,
          to,
          allowed: TRANSITIONS[current.status],
        });
      }
      const need = transitionNeeds(current.status, to);
      if (!allows(req.apiKey!.role, need)) throw new ApiError(403, 'forbidden', `moving an alert from ${current.status} to ${to} needs the ${need} role`);
      if (NOTE_REQUIRED.includes(to) && !note) throw new ApiError(400, 'note_required', `a note is required to move an alert to ${to}`);
      try {
        const alert = await alerts.setStatus(id, to, actorOf(req), note);
        return { alert };
      } catch (err) {
        // the status changed under us (another reviewer): the move is no longer legal
        if (err instanceof AlertTransitionError) throw new ApiError(409, 'illegal_transition', err.message);
        throw err;
      }
    },
  );

  app.post<{ Params: { id: number }; Body: { assignee?: string | null } }>(
    '/v1/alerts/:id/assignment',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Assign an alert (assignee omitted: to yourself; null: unassign)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { assignee: { type: ['string', 'null'], minLength: 1, maxLength: 100 } },
        },
      },
    },
    async (req) => {
      const assignee = req.body.assignee === undefined ? actorOf(req) : req.body.assignee;
      try {
        await alerts.assign(req.params.id, assignee, actorOf(req));
      } catch (err) {
        if (err instanceof AlertTransitionError) throw notFound(`alert ${req.params.id}`);
        throw err;
      }
      return { alert_id: req.params.id, assignee };
    },
  );

  app.post<{ Params: { id: number }; Body: { note: string } }>(
    '/v1/alerts/:id/notes',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Add a note to the alert’s history',
        params: idParams,
        body: { type: 'object', required: ['note'], additionalProperties: false, properties: { note: { type: 'string', minLength: 1, maxLength: NOTE_MAX } } },
      },
    },
    async (req, reply) => {
      const note = req.body.note.trim();
      if (!note) throw new ApiError(400, 'note_required', 'the note is empty');
      const a = await db.kysely.selectFrom('alerts').select('id').where('id', '=', req.params.id).executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      await alerts.addNote(req.params.id, actorOf(req), note);
      return reply.status(201).send({ alert_id: req.params.id, note });
    },
  );

  app.put<{ Params: { id: number; platform: string; account: string }; Body: { decision: MemberDecisionValue; note?: string } }>(
    '/v1/alerts/:id/members/:platform/:account/decision',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Decide one member: coordinated, bystander or unsure',
        params: {
          type: 'object',
          required: ['id', 'platform', 'account'],
          properties: { id: idParams.properties.id, platform: { type: 'string', maxLength: 50 }, account: { type: 'string', maxLength: 300 } },
        },
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: { decision: { type: 'string', enum: [...MEMBER_DECISIONS] }, note: { type: 'string', maxLength: NOTE_MAX } },
        },
      },
    },
    async (req) => {
      const key = `${req.params.platform}:${req.params.account}`;
      const r = await review.decideMember(req.params.id, key, req.body.decision, req.body.note?.trim() || null, actorOf(req));
      if (r === 'no_alert') throw notFound(`alert ${req.params.id}`);
      if (r === 'no_member') throw notFound(`member ${key} of alert ${req.params.id}`);
      return { alert_id: req.params.id, account_key: key, decision: req.body.decision };
    },
  );

  // exports
  app.get<{ Params: { id: number } }>(
    '/v1/alerts/:id/export.json',
    { preHandler: requireRole('viewer'), schema: { tags: ['exports'], summary: 'The alert as one JSON document (with its network)', params: idParams } },
    async (req, reply) => {
      const view = await loadAlertView(db, req.params.id);
      if (!view) throw notFound(`alert ${req.params.id}`);
      const graph = await loadGraph(db, view);
      return reply
        .header('content-disposition', `attachment; filename="alert-${req.params.id}.json"`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ ...view, graph }, null, 2));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/alerts/:id/members.csv',
    { preHandler: requireRole('viewer'), schema: { tags: ['exports'], summary: 'Members as CSV', params: idParams } },
    async (req, reply) => {
      const a = await db.kysely.selectFrom('alerts').select('id').where('id', '=', req.params.id).executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      const members = await review.members(req.params.id);
      return reply
        .header('content-disposition', `attachment; filename="alert-${req.params.id}-members.csv"`)
        .type('text/csv; charset=utf-8')
        .send(membersCsv(members));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/alerts/:id/network.graphml',
    { preHandler: requireRole('viewer'), schema: { tags: ['exports'], summary: 'The network as GraphML', params: idParams } },
    async (req, reply) => {
      const a = await db.kysely.selectFrom('alerts').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      const [graph, members] = await Promise.all([loadGraph(db, { alert: a }), review.members(a.id)]);
      return reply
        .header('content-disposition', `attachment; filename="alert-${a.id}.graphml"`)
        .type('application/graphml+xml; charset=utf-8')
        .send(graphml(graph, members));
    },
  );
}
