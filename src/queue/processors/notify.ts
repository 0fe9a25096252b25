import { createHmac } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { WebhookConfig } from '../../../config/config.ts';
import type { Db } from '../../db/connection.ts';
import { alertRepository } from '../../db/alert-repository.ts';
import type { Logger } from '../../logger.ts';
import { metrics, timed } from '../../metrics.ts';
import { parseNotifyPayload } from '../alerting-payloads.ts';
import { slackMessage } from '../../core/alerts/slack.ts';

export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: receivers check both, so a replay is visible. */
export function signature(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The notify job: POST one alert event to the configured webhook. Any failure (refused,
 * timeout, non-2xx) throws, and the queue retries with backoff; detection never waits on it.
 */
export function createNotifyProcessor(deps: { db: Db; log: Logger; webhook: WebhookConfig; clock?: () => number }): (data: unknown, jobId: string) => Promise<{ status: number }> {
  const log = deps.log.child({ name: 'notify' });
  const repo = alertRepository(deps.db.kysely);
  return (data, jobId) =>
    timed('notify', async () => {
      const n = parseNotifyPayload(data);
      const d = await repo.get(n.alertId);
      if (!d) throw new UnrecoverableError(`no alert ${n.alertId}`);
      const a = d.alert;
      const payload = {
        event: `alert.${n.event}`,
        delivery: jobId,
        alert: {
          id: a.id,
          status: a.status,
          score: a.score,
          severity: a.severity,
          verdict: a.verdict,
          members: a.member_count,
          kinds: a.kinds,
          narratives: a.narratives,
          first_seen_at: a.first_seen_at.toISOString(),
          last_seen_at: a.last_seen_at.toISOString(),
          detector_version: a.detector_version,
        },
        top_members: d.members.slice(0, 20).map((m) => ({ account: m.account_key, role: m.role, suspicion: m.suspicion })),
        evidence: d.evidence.slice(0, 5).map((e) => ({ kind: e.kind, description: e.description, posts: e.post_ids })),
      };
      // Slack takes its own shape (hostile text escaped there); the signature headers go with either
      const body = JSON.stringify(deps.webhook.format === 'slack' ? slackMessage(payload, deps.webhook.consoleUrl) : payload);
      const ts = String(Math.floor((deps.clock ?? Date.now)() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'coordwatch-webhook/1',
        'x-coordwatch-event': `alert.${n.event}`,
        'x-coordwatch-delivery': jobId,
        'x-coordwatch-timestamp': ts,
      };
      if (deps.webhook.secret) headers['x-coordwatch-signature'] = signature(deps.webhook.secret, ts, body);
      let res: Response;
      try {
        res = await fetch(deps.webhook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(deps.webhook.timeoutMs), redirect: 'manual' });
      } catch (err) {
        metrics.webhooksSent.inc({ outcome: 'error' });
        throw new WebhookError(`webhook ${deps.webhook.url} unreachable: ${(err as Error).message}`);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) {
        metrics.webhooksSent.inc({ outcome: 'error' });
        throw new WebhookError(`webhook ${deps.webhook.url} answered ${res.status}`);
      }
      metrics.webhooksSent.inc({ outcome: 'sent' });
      log.info({ jobId, alertId: n.alertId, event: n.event, status: res.status }, 'webhook sent');
      return { status: res.status };
    });
}
