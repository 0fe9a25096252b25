/**
 * A webhook notice in Slack's incoming-webhook shape (`{text, blocks}`), for teams that point
 * WEBHOOK_URL at a Slack channel. Pure: the notify processor builds its JSON body as today and,
 * when the webhook is a Slack one, sends `slackMessage(body, consoleUrl)` instead.
 *
 * Verdicts, handles and narratives are hostile text: Slack reads `<…>` as links and mentions
 * (`<!channel>`, `<@U123>`, `<https://evil|click>`), so &, < and > are escaped as Slack asks
 * (api.slack.com/reference/surfaces/formatting#escaping), and the only links are ours.
 */

export interface WebhookBody {
  event: string;
  delivery: string;
  alert: {
    id: number;
    status: string;
    score: number;
    severity: string;
    verdict: string;
    members: number;
    kinds: string[];
    narratives: unknown;
    first_seen_at: string;
    last_seen_at: string;
    detector_version: string;
  };
  top_members: { account: string; role: string; suspicion: number | null }[];
  evidence?: { kind: string; description: string | null; posts: string[] }[];
}

export const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const EVENT_WORD: Record<string, string> = { 'alert.opened': 'New alert', 'alert.escalated': 'Alert escalated', 'alert.reopened': 'Alert reopened' };
const SEVERITY_EMOJI: Record<string, string> = { critical: ':rotating_light:', high: ':red_circle:', medium: ':large_orange_circle:', low: ':white_circle:' };

function narrativeTitles(n: unknown): string[] {
  if (!Array.isArray(n)) return [];
  return n.map((x) => (x && typeof x === 'object' ? String((x as { title?: unknown; id?: unknown }).title ?? (x as { id?: unknown }).id ?? '') : '')).filter(Boolean);
}

/** `consoleUrl` is the console's public base (e.g. https://cw.example.org); null leaves links out. */
export function slackMessage(b: WebhookBody, consoleUrl: string | null): { text: string; blocks: unknown[] } {
  const a = b.alert;
  const word = EVENT_WORD[b.event] ?? b.event;
  const link = consoleUrl && /^https?:\/\//.test(consoleUrl) ? `${consoleUrl.replace(/\/+$/, '')}/console/alerts/${a.id}` : null;
  const title = `${SEVERITY_EMOJI[a.severity] ?? ''} ${word} #${a.id}: ${a.severity}, score ${a.score.toFixed(1)}, ${a.members} accounts`.trim();
  const narratives = narrativeTitles(a.narratives);
  const members = b.top_members
    .slice(0, 8)
    .map((m) => `\`${slackEscape(m.account.slice(m.account.indexOf(':') + 1)).replace(/`/g, "'")}\` (${slackEscape(m.role)})`)
    .join(', ');
  const fields = [
    { type: 'mrkdwn', text: `*Status*\n${slackEscape(a.status)}` },
    { type: 'mrkdwn', text: `*Active*\n${a.first_seen_at.slice(0, 16).replace('T', ' ')} → ${a.last_seen_at.slice(0, 16).replace('T', ' ')} UTC` },
    { type: 'mrkdwn', text: `*Kinds*\n${slackEscape(a.kinds.join(', ') || '—')}` },
    { type: 'mrkdwn', text: `*Narratives*\n${slackEscape(narratives.join(', ') || '—')}` },
  ];
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `>${slackEscape(a.verdict).slice(0, 2900)}` } },
    { type: 'section', fields },
  ];
  if (members) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Members: ${members}${b.top_members.length > 8 ? ` and ${b.top_members.length - 8} more` : ''}` }] });
  if (link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Review in coordwatch' }, url: link, style: a.severity === 'critical' ? 'danger' : 'primary' }] });
  // `text` is the notification and the fallback where blocks do not render
  const text = `${title.replace(/^:[a-z_]+: /, '')} — ${slackEscape(a.verdict).slice(0, 300)}${link ? ` <${link}|review>` : ''}`;
  return { text, blocks };
}
