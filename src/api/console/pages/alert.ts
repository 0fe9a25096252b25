import type { ApiKeyInfo } from '../../../db/api-key-repository.ts';
import type { MemberView } from '../../../db/review-repository.ts';
import type { AlertStatus } from '../../../db/schema/index.ts';
import type { AlertView, EvidenceView } from '../../alert-view.ts';
import { wordDiff } from '../diff.ts';
import { extLink, fmtNum, fmtTime, html, seg } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import { severityBadge, statusBadge } from './queue.ts';

interface ScorePartJson {
  name: string;
  value: number;
  weight: number;
  contribution: number;
  reason: string;
}

interface SignalJson {
  value: number;
  applicable: boolean;
  reason: string;
}

interface NarrativeJson {
  id: string;
  title: string;
  posts: number;
  share: number;
  top_terms?: { term: string; posts: number }[];
}

const ACTION_LABEL: Partial<Record<AlertStatus, [string, string]>> = {
  in_review: ['Start review', 'r'],
  confirmed: ['Confirm', 'c'],
  dismissed: ['Dismiss', 'd'],
  escalated: ['Escalate', 'e'],
  open: ['Reopen', ''],
};

const SIGNAL_NAMES: Record<string, string> = {
  A1: 'account age',
  A2: 'default handle',
  A3: 'off-zone hours',
  A4: 'language artefacts',
  A5: 'persona drift',
  A6: 'audience shape',
};

const handleOf = (m: Pick<MemberView, 'handle' | 'account_id'>) => m.handle ?? m.account_id;
const accountHref = (key: string) => {
  const i = key.indexOf(':');
  return `/console/accounts/${seg(key.slice(0, i))}/${seg(key.slice(i + 1))}`;
};

function scoreBar(parts: ScorePartJson[], total: number): SafeHtml {
  const sum = parts.reduce((a, p) => a + Math.max(0, p.contribution), 0) || 1;
  const width = Math.min(100, total);
  // SVG, not inline styles: the CSP forbids style attributes
  let x = 0;
  const segs = parts
    .filter((p) => p.contribution > 0)
    .map((p) => {
      const w = (p.contribution / sum) * width * 10;
      const seg = html`<g class="part-${p.name}"><rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="22"><title>${p.name}: ${fmtNum(p.contribution)} points — ${p.reason}</title></rect>${w > 60 ? html`<text x="${(x + 4).toFixed(1)}" y="15">${p.name}</text>` : ''}</g>`;
      x += w;
      return seg;
    });
  return html`<svg class="scorebar" viewBox="0 0 1000 22" width="100%" role="img" aria-label="score ${fmtNum(total)} of 100"><rect class="track" x="0" y="0" width="1000" height="22"/>${segs}</svg>
  <table class="parts"><thead><tr><th>part</th><th>points</th><th>of</th><th>why</th></tr></thead><tbody>
  ${parts.map((p) => html`<tr><td>${p.name}</td><td class="num">${fmtNum(p.contribution)}</td><td class="num">${fmtNum(p.weight, 0)}</td><td>${p.reason}</td></tr>`)}
  </tbody></table>`;
}

function signalsCell(signals: unknown): SafeHtml {
  if (!signals || typeof signals !== 'object') return html`<span class="muted">—</span>`;
  const s = signals as Record<string, unknown>;
  const items = Object.keys(SIGNAL_NAMES)
    .map((k) => [k, s[k] as SignalJson | undefined] as const)
    .filter(([, v]) => v && v.applicable && v.value >= 0.3)
    .sort((a, b) => b[1]!.value - a[1]!.value);
  if (!items.length) return html`<span class="muted">none strong</span>`;
  return html`${items.map(([k, v]) => html`<span class="sig" title="${v!.reason}">${k} ${SIGNAL_NAMES[k]} ${fmtNum(v!.value, 2)}</span> `)}`;
}

function membersTable(members: MemberView[], canDecide: boolean): SafeHtml {
  return html`<table class="members"><thead><tr><th>account</th><th>name</th><th>location</th><th>role</th><th>cohesion</th><th>suspicion</th><th>signals</th><th>decision</th></tr></thead><tbody>
  ${members.map(
    (m) => html`<tr data-account="${m.account_key}">
      <td><a href="${accountHref(m.account_key)}">@${handleOf(m)}</a>${m.watchlisted ? html` <span class="badge watch" title="on the watchlist">watchlist</span>` : ''}</td>
      <td>${m.display_name ?? ''}</td>
      <td>${m.location ?? ''}</td>
      <td>${m.role}</td>
      <td class="num">${fmtNum(m.cohesion, 2)}</td>
      <td class="num">${fmtNum(m.suspicion, 2)}</td>
      <td class="signals">${signalsCell(m.signals)}</td>
      <td class="decision">${m.decision ? html`<span class="badge dec-${m.decision}" title="${m.decided_by ?? ''}${m.decision_note ? ': ' + m.decision_note : ''}">${m.decision}</span>` : ''}
        ${canDecide
          ? html`<span class="decide">${(['coordinated', 'bystander', 'unsure'] as const).map(
              (d) => html`<button type="button" class="mini" data-decide="${d}" data-account="${m.account_key}" ${m.decision === d ? html`disabled` : ''}>${d}</button>`,
            )}</span>`
          : ''}</td>
    </tr>`,
  )}
  </tbody></table>`;
}

function evidenceSection(evidence: EvidenceView[], members: MemberView[]): SafeHtml {
  const handles = new Map(members.map((m) => [m.account_key, handleOf(m)]));
  const who = (key: string) => handles.get(key) ?? key.slice(key.indexOf(':') + 1);
  const texts = evidence.filter((e) => e.kind === 'text');
  const links = evidence.filter((e) => e.kind === 'link');
  const tags = evidence.filter((e) => e.kind === 'hashtag');
  const reposts = evidence.filter((e) => e.kind === 'repost');
  const pairs = texts.map((e) => {
    const d = e.data as { kind: string; dt: number; a: { account: string; post: string; t: number; text: string }; b: { account: string; post: string; t: number; text: string } };
    const [da, db] = wordDiff(d.a.text ?? '', d.b.text ?? '');
    return html`<div class="pair">
      <div class="pair-head">${d.kind.replace(/_/g, ' ')} · ${Math.round(d.dt)} s apart</div>
      <div class="side"><div class="meta"><a href="${accountHref(d.a.account)}">@${who(d.a.account)}</a> · ${fmtTime(new Date(d.a.t * 1000))}</div><p class="post-text">${da}</p></div>
      <div class="side"><div class="meta"><a href="${accountHref(d.b.account)}">@${who(d.b.account)}</a> · ${fmtTime(new Date(d.b.t * 1000))}</div><p class="post-text">${db}</p></div>
    </div>`;
  });
  return html`<section id="evidence"><h2>Evidence</h2>
    ${pairs.length ? html`<h3>Near-same posts, side by side</h3><div class="pairs">${pairs}</div>` : html`<p class="muted">No text evidence.</p>`}
    ${links.length
      ? html`<h3>Shared links</h3><ul class="links">${links.map((e) => {
          const d = e.data as { url: string; members: number; sharers: number };
          return html`<li>${extLink(d.url)} — ${d.members} members${d.sharers > d.members ? `, ${d.sharers} accounts in all` : ''}</li>`;
        })}</ul>`
      : ''}
    ${tags.length ? html`<h3>Shared hashtags</h3><ul class="tags">${tags.map((e) => html`<li><code>${(e.data as { tags: string }).tags}</code> — ${(e.data as { members: number }).members} members</li>`)}</ul>` : ''}
    ${reposts.length
      ? html`<h3>Shared reposts</h3><ul class="reposts">${reposts.map((e) => {
          const d = e.data as { target: string; members: number; text: string };
          return html`<li><span class="post-text">${d.text || d.target}</span> — ${d.members} members</li>`;
        })}</ul>`
      : ''}
  </section>`;
}

/** Members' posts on one time axis: a row per member, a tick per post; synchrony shows as columns. */
export function timelineSvg(view: AlertView): SafeHtml {
  const pts = view.timeline;
  if (!pts.length) return html`<p class="muted">No posts of the members in this span.</p>`;
  const members = view.members.slice(0, 40);
  const row = new Map(members.map((m, i) => [m.account_key, i]));
  const t0 = pts[0]!.t;
  const t1 = Math.max(pts[pts.length - 1]!.t, t0 + 60);
  const W = 900;
  const left = 130;
  const H = 14;
  const height = members.length * H + 24;
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (W - left - 10);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => t0 + f * (t1 - t0));
  return html`<svg class="timeline" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="timeline of the members' posts">
    ${members.map((m, i) => html`<text x="${left - 6}" y="${i * H + 11}" text-anchor="end" class="tl-label">@${handleOf(m).slice(0, 18)}</text><line x1="${left}" x2="${W - 10}" y1="${i * H + 7}" y2="${i * H + 7}" class="tl-row"/>`)}
    ${pts
      .filter((p) => row.has(p.account))
      .map((p) => html`<rect x="${x(p.t).toFixed(1)}" y="${row.get(p.account)! * H + 2}" width="2" height="10" class="${p.repost ? 'tl-repost' : 'tl-post'}"><title>${fmtTime(new Date(p.t * 1000))}</title></rect>`)}
    ${ticks.map((t) => html`<text x="${x(t).toFixed(1)}" y="${height - 4}" text-anchor="middle" class="tl-axis">${fmtTime(new Date(t * 1000)).slice(5, 16)}</text>`)}
  </svg>`;
}

function eventsTable(view: AlertView): SafeHtml {
  return html`<table class="events" id="history"><thead><tr><th>when</th><th>who</th><th>what</th><th>change</th><th>note</th></tr></thead><tbody>
  ${[...view.events].reverse().map(
    (e) => html`<tr class="event ev-${e.action}" data-action="${e.action}" data-to="${e.to_value ?? ''}">
      <td>${fmtTime(e.at)}</td><td>${e.actor}</td><td>${e.action}</td>
      <td>${e.from_value || e.to_value ? html`${e.from_value ?? '—'} → ${e.to_value ?? '—'}` : ''}</td>
      <td class="note">${e.note ?? ''}</td></tr>`,
  )}
  </tbody></table>`;
}

export function alertPage(me: ApiKeyInfo, view: AlertView, allowed: AlertStatus[]): string {
  const a = view.alert;
  const parts = (Array.isArray(a.score_parts) ? a.score_parts : []) as ScorePartJson[];
  const narratives = (Array.isArray(a.narratives) ? a.narratives : []) as NarrativeJson[];
  const canWrite = me.role !== 'viewer' && me.role !== 'ingest';
  const actions = html`<div class="actions" id="actions">
    ${allowed.map((to) => {
      const [label, key] = ACTION_LABEL[to] ?? [to, ''];
      return html`<button type="button" data-transition="${to}" class="act act-${to}">${label}${key ? html` <kbd>${key}</kbd>` : ''}</button>`;
    })}
    ${canWrite ? html`<button type="button" data-assign="me" class="act">Assign to me <kbd>a</kbd></button> <button type="button" data-note="1" class="act">Add note <kbd>n</kbd></button>` : ''}
  </div>`;
  const body = html`<article class="alert" id="alert" data-id="${a.id}" data-status="${a.status}">
    <p class="crumbs"><a href="/console/alerts">← Queue</a></p>
    <h1>Alert #${a.id} ${statusBadge(a.status)} ${severityBadge(a.severity)} <span class="score">${fmtNum(a.score)}</span></h1>
    <p class="verdict" id="verdict">${a.verdict}</p>
    <p class="facts">${a.member_count} members · active ${fmtTime(a.first_seen_at)} → ${fmtTime(a.last_seen_at)} · kinds ${a.kinds.join(', ')} · assignee <span id="assignee">${a.assignee ?? 'none'}</span> · detector ${a.detector_version}</p>
    ${actions}
    <p class="exports">Export: <a href="/v1/alerts/${seg(a.id)}/export.json">JSON</a> · <a href="/v1/alerts/${seg(a.id)}/members.csv">members CSV</a> · <a href="/v1/alerts/${seg(a.id)}/network.graphml">GraphML</a></p>
    <section id="score"><h2>Score</h2>${scoreBar(parts, a.score)}</section>
    ${evidenceSection(view.evidence, view.members)}
    <section id="timeline"><h2>Timeline</h2>${timelineSvg(view)}</section>
    <section id="network"><h2>Network</h2><div id="graph" data-src="/v1/alerts/${seg(a.id)}/graph"><p class="muted">Loading the network…</p></div></section>
    <section id="members-section"><h2>Members (${view.members.length})</h2>${membersTable(view.members, canWrite)}</section>
    <section id="narratives"><h2>Narratives</h2>
      ${narratives.length
        ? html`<ul>${narratives.map((n) => html`<li><strong>${n.title}</strong> — ${n.posts} posts (${fmtNum(n.share * 100, 0)}%)${n.top_terms?.length ? html`: ${n.top_terms.slice(0, 6).map((t) => t.term).join(', ')}` : ''}</li>`)}</ul>`
        : html`<p class="muted">No narrative matched.</p>`}
    </section>
    <section id="events"><h2>History</h2>${eventsTable(view)}</section>
  </article>`;
  return layout({ title: `Alert #${a.id}`, page: 'alert', me, body });
}
