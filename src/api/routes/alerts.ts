import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { alertService } from '../../alerts/alert-service.ts';
import {
  AlertTransitionError,
  canTransition,
  NOTE_REQUIRED,
  transitionNeeds,
  TRANSITIONS,
} from '../../alerts/review-rules.ts';
import { CursorError, reviewRepository } from '../../db/review-repository.ts';
import { ALERT_STATUSES, MEMBER_DECISIONS } from '../../db/schema/index.ts';
import { actorOf, allows, requireRole } from '../auth.ts';
import { loadAlertView, loadGraph } from '../alert-view.ts';
import { alertQuerySchema, toFilters } from '../alert-filters.ts';
import { ApiError, notFound } from '../errors.ts';
import { graphml, membersCsv } from '../export-formats.ts';
import type { ApiDeps } from '../types.ts';
import { registerStixExport } from '../export-stix.ts';
import {
  alertSchema,
  alertExportSchema,
  alertViewSchema,
  errors,
  graphSchema,
  id,
  pageOf,
  text,
  with404,
} from '../schemas.ts';

const idParams = z.object({ id: id() });

const NOTE_MAX = 4000;

export function registerAlertRoutes(root: FastifyInstance, deps: ApiDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const review = reviewRepository(db.kysely);
  const alerts = alertService(db.kysely);
  const tags = ['alerts'];

  app.get(
    '/v1/alerts',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags,
        summary: 'List alerts: filters, sorting, cursor pagination',
        description:
          "Keyset pagination: the answer's `next_cursor` (null on the last page) goes into `cursor` with the same filters and sort.",
        querystring: alertQuerySchema,
        response: { 200: pageOf(alertSchema, 'AlertPage'), ...errors },
      },
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

  app.get(
    '/v1/alerts/counts',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Alerts per status under the same filters',
        querystring: alertQuerySchema,
        response: {
          200: z.object({ counts: z.record(z.enum(ALERT_STATUSES), z.number().int()) }),
          ...errors,
        },
      },
    },
    async (req) => ({ counts: await review.countByStatus(toFilters(req.query).filters) }),
  );

  app.get(
    '/v1/alerts/:id',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags,
        summary: 'One alert: members, evidence, score parts, timeline, events',
        params: idParams,
        response: { 200: alertViewSchema, ...with404 },
      },
    },
    async (req) => {
      const view = await loadAlertView(db, req.params.id);
      if (!view) throw notFound(`alert ${req.params.id}`);
      const allowed = ALERT_STATUSES.filter((to) =>
        canTransition(req.apiKey!.role, view.alert.status, to),
      );
      return { ...view, allowed_transitions: allowed };
    },
  );

  app.get(
    '/v1/alerts/:id/graph',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags,
        summary: 'The cluster as a network (nodes, weighted edges)',
        params: idParams,
        response: { 200: graphSchema, ...with404 },
      },
    },
    async (req) => {
      const a = await db.kysely
        .selectFrom('alerts')
        .selectAll()
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      return loadGraph(db, { alert: a });
    },
  );

  app.post(
    '/v1/alerts/:id/transitions',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary:
          'Move an alert: open → in_review → confirmed | dismissed | escalated; back to open by a lead',
        params: idParams,
        body: z.strictObject({ to: z.enum(ALERT_STATUSES), note: text(NOTE_MAX).optional() }),
        response: {
          200: z.object({ alert: alertSchema }),
          ...with404,
          409: errors[400].describe("the move is not legal from the alert's status"),
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      const note = req.body.note?.trim() || null;
      const to = req.body.to;
      const current = await db.kysely
        .selectFrom('alerts')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current) throw notFound(`alert ${id}`);
      if (!TRANSITIONS[current.status].includes(to)) {
        throw new ApiError(
          409,
          'illegal_transition',
          `alert ${id} is ${current.status}; it can move to ${TRANSITIONS[current.status].join(', ')}, not ${to}`,
          {
            from: current.status,
            to,
            allowed: TRANSITIONS[current.status],
          },
        );
      }
      const need = transitionNeeds(current.status, to);
      if (!allows(req.apiKey!.role, need))
        throw new ApiError(
          403,
          'forbidden',
          `moving an alert from ${current.status} to ${to} needs the ${need} role`,
        );
      if (NOTE_REQUIRED.includes(to) && !note)
        throw new ApiError(400, 'note_required', `a note is required to move an alert to ${to}`);
      try {
        const alert = await alerts.setStatus(id, to, actorOf(req), note);
        return { alert };
      } catch (err) {
        // the status changed under us (another reviewer): the move is no longer legal
        if (err instanceof AlertTransitionError)
          throw new ApiError(409, 'illegal_transition', err.message);
        throw err;
      }
    },
  );

  app.post(
    '/v1/alerts/:id/assignment',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Assign an alert (assignee omitted: to yourself; null: unassign)',
        params: idParams,
        body: z.strictObject({ assignee: text(100).min(1).nullable().optional() }).default({}),
        response: {
          200: z.object({ alert_id: z.number().int(), assignee: z.string().nullable() }),
          ...with404,
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

  app.post(
    '/v1/alerts/:id/notes',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Add a note to the alert’s history',
        params: idParams,
        body: z.strictObject({ note: text(NOTE_MAX).min(1) }),
        response: { 201: z.object({ alert_id: z.number().int(), note: z.string() }), ...with404 },
      },
    },
    async (req, reply) => {
      const note = req.body.note.trim();
      if (!note) throw new ApiError(400, 'note_required', 'the note is empty');
      const a = await db.kysely
        .selectFrom('alerts')
        .select('id')
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      await alerts.addNote(req.params.id, actorOf(req), note);
      return reply.status(201).send({ alert_id: req.params.id, note });
    },
  );

  app.put(
    '/v1/alerts/:id/members/:platform/:account/decision',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags,
        summary: 'Decide one member: coordinated, bystander or unsure',
        params: z.object({ id: id(), platform: text(50).min(1), account: text(300).min(1) }),
        body: z.strictObject({
          decision: z.enum(MEMBER_DECISIONS),
          note: text(NOTE_MAX).optional(),
        }),
        response: {
          200: z.object({
            alert_id: z.number().int(),
            account_key: z.string(),
            decision: z.enum(MEMBER_DECISIONS),
          }),
          ...with404,
        },
      },
    },
    async (req) => {
      const key = `${req.params.platform}:${req.params.account}`;
      const r = await review.decideMember(
        req.params.id,
        key,
        req.body.decision,
        req.body.note?.trim() || null,
        actorOf(req),
      );
      if (r === 'no_alert') throw notFound(`alert ${req.params.id}`);
      if (r === 'no_member') throw notFound(`member ${key} of alert ${req.params.id}`);
      return { alert_id: req.params.id, account_key: key, decision: req.body.decision };
    },
  );

  // exports
  app.get(
    '/v1/alerts/:id/export.json',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['exports'],
        summary: 'The alert as one JSON document (with its network)',
        params: idParams,
        response: { 200: alertExportSchema, ...with404 },
      },
    },
    async (req, reply) => {
      const view = await loadAlertView(db, req.params.id);
      if (!view) throw notFound(`alert ${req.params.id}`);
      const graph = await loadGraph(db, view);
      return (
        reply
          .header('content-disposition', `attachment; filename="alert-${req.params.id}.json"`)
          .type('application/json; charset=utf-8')
          // indented: a file people open
          .serializer((p) => JSON.stringify(p, null, 2))
          .send({ ...view, graph })
      );
    },
  );

  app.get(
    '/v1/alerts/:id/members.csv',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['exports'],
        summary: 'Members as CSV',
        description:
          'Cells that a spreadsheet would run as a formula (first visible character = + - @ or a full-width form, after any spaces, controls, zero-width characters or BOM) are prefixed with an apostrophe.',
        params: idParams,
        response: {
          200: { description: 'RFC 4180 CSV', content: { 'text/csv': { schema: z.string() } } },
          ...with404,
        },
      },
    },
    async (req, reply) => {
      const a = await db.kysely
        .selectFrom('alerts')
        .select('id')
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      const members = await review.members(req.params.id);
      return reply
        .header('content-disposition', `attachment; filename="alert-${req.params.id}-members.csv"`)
        .type('text/csv; charset=utf-8')
        .send(membersCsv(members));
    },
  );

  app.get(
    '/v1/alerts/:id/network.graphml',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['exports'],
        summary: 'The network as GraphML',
        params: idParams,
        response: {
          200: {
            description: 'GraphML',
            content: { 'application/graphml+xml': { schema: z.string() } },
          },
          ...with404,
        },
      },
    },
    async (req, reply) => {
      const a = await db.kysely
        .selectFrom('alerts')
        .selectAll()
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!a) throw notFound(`alert ${req.params.id}`);
      const [graph, members] = await Promise.all([
        loadGraph(db, { alert: a }),
        review.members(a.id),
      ]);
      return reply
        .header('content-disposition', `attachment; filename="alert-${a.id}.graphml"`)
        .type('application/graphml+xml; charset=utf-8')
        .send(graphml(graph, members));
    },
  );

  registerStixExport(root, deps);
}
