import type { ApiKeyInfo } from '../../../db/api-key-repository.ts';
import type { Page } from '../../../db/review-repository.ts';
import { ALERT_STATUSES } from '../../../db/schema/index.ts';
import type { Alert, AlertStatus } from '../../../db/schema/index.ts';
import type { AlertQuery } from '../../alert-filters.ts';
import { SEVERITIES } from '../../alert-filters.ts';
import { fmtNum, fmtTime, html, qs, seg } from '../html.ts';
import { layout } from '../layout.ts';

const STATUS_LABEL: Record<AlertStatus, string> = { open: 'Open', in_review: 'In review', confirmed: 'Confirmed', dismissed: 'Dismissed', escalated: 'Escalated' };

export function statusBadge(s: string) {
  return html`<span class="badge st-${s}">${STATUS_LABEL[s as AlertStatus] ?? s}</span>`;
}
export function severityBadge(s: string) {
  return html`<span class="badge sev-${s}">${s}</span>`;
}

/** The queue: alerts by score, filters, counts per status, keyboard triage (see console.js). */
export function queuePage(me: ApiKeyInfo, q: AlertQuery, page: Page<Alert>, counts: Record<AlertStatus, number>): string {
  const base = { ...q, cursor: undefined, limit: undefined } as Record<string, string | number | undefined>;
  const current = q.status ?? '';
  const tabs = html`<nav class="tabs">
    <a href="/console/alerts${qs({ ...base, status: undefined })}" class="${current === '' ? 'on' : ''}" data-status="">All <span class="n">${Object.values(counts).reduce((a, b) => a + b, 0)}</span></a>
    ${ALERT_STATUSES.map(
      (s) => html`<a href="/console/alerts${qs({ ...base, status: s })}" class="${current === s ? 'on' : ''}" data-status="${s}">${STATUS_LABEL[s]} <span class="n">${counts[s]}</span></a>`,
    )}
  </nav>`;
  const sel = (name: string, options: readonly string[], value: string | undefined) =>
    html`<select name="${name}"><option value="">any ${name}</option>${options.map((o) => html`<option value="${o}" ${o === value ? html`selected` : ''}>${o}</option>`)}</select>`;
  const filters = html`<form class="filters" method="get" action="/console/alerts">
    ${q.status ? html`<input type="hidden" name="status" value="${q.status}">` : ''}
    ${sel('severity', SEVERITIES, q.severity)}
    <input type="number" name="min_score" placeholder="min score" step="any" min="0" value="${q.min_score ?? ''}">
    <input type="number" name="max_score" placeholder="max score" step="any" min="0" value="${q.max_score ?? ''}">
    <input type="text" name="narrative" placeholder="narrative" value="${q.narrative ?? ''}" data-values="narratives" aria-label="narrative">
    <input type="text" name="platform" placeholder="platform" value="${q.platform ?? ''}" size="6" data-values="platforms" aria-label="platform">
    <input type="text" name="from" placeholder="from (ISO)" value="${q.from ?? ''}" size="12">
    <input type="text" name="to" placeholder="to (ISO)" value="${q.to ?? ''}" size="12">
    <input type="text" name="assignee" placeholder="assignee / none" value="${q.assignee ?? ''}" size="10">
    <input type="search" name="q" placeholder="member handle" value="${q.q ?? ''}">
    ${sel('sort', ['-score', '-last_seen', '-created', 'score', 'last_seen', 'created'], q.sort)}
    <button type="submit">Filter</button>
  </form>`;
  const canWrite = me.role !== 'viewer' && me.role !== 'ingest';
  const rows = page.items.map(
    (a) => html`<tr class="alert-row" data-id="${a.id}" data-status="${a.status}" data-href="/console/alerts/${seg(a.id)}">
      ${canWrite ? html`<td class="pick"><input type="checkbox" class="pick-alert" value="${a.id}" aria-label="select alert #${a.id}"></td>` : ''}
      <td><a href="/console/alerts/${seg(a.id)}">#${a.id}</a></td>
      <td>${severityBadge(a.severity)}</td>
      <td class="num">${fmtNum(a.score)}</td>
      <td class="st">${statusBadge(a.status)}</td>
      <td class="num">${a.member_count}</td>
      <td class="hide-narrow">${fmtTime(a.first_seen_at)}</td>
      <td class="seen">${fmtTime(a.last_seen_at)}</td>
      <td class="assignee">${a.assignee ?? ''}</td>
      <td class="why">${a.verdict}</td>
    </tr>`,
  );
  const body = html`<h1>Queue</h1>
  ${tabs}
  ${filters}
  <p class="hint">Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>a</kbd> assign to me · <kbd>c</kbd> confirm · <kbd>d</kbd> dismiss · <kbd>e</kbd> escalate · <kbd>r</kbd> review · <kbd>x</kbd> select for a bulk action</p>
  ${canWrite ? bulkBar() : ''}
  <table class="queue" id="queue">
    <thead><tr>${canWrite ? html`<th class="pick"><input type="checkbox" id="pick-all" aria-label="select every alert on this page"></th>` : ''}<th>id</th><th>severity</th><th>score</th><th>status</th><th>members</th><th class="hide-narrow">first seen</th><th class="seen">last seen</th><th>assignee</th><th>why</th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="10" class="empty">No alerts match.</td></tr>`}</tbody>
  </table>
  ${page.next_cursor ? html`<p class="pager"><a id="next-page" href="/console/alerts${qs({ ...base, cursor: page.next_cursor, limit: q.limit })}">Next page →</a></p>` : ''}`;
  return layout({ title: 'Queue', page: 'queue', me, body });
}

/** One action over the selected alerts with one note (console.js sends one request per alert and reports each). */
function bulkBar() {
  return html`<div class="bulk" id="bulk" hidden>
    <span id="bulk-count">0 selected</span>
    <button type="button" data-bulk="in_review">Start review</button>
    <button type="button" data-bulk="confirmed" class="act-confirmed">Confirm</button>
    <button type="button" data-bulk="dismissed" class="act-dismissed">Dismiss</button>
    <button type="button" data-bulk="escalated" class="act-escalated">Escalate</button>
    <button type="button" data-bulk="assign">Assign to me</button>
    <button type="button" data-bulk="clear">Clear selection</button>
  </div>`;
}
