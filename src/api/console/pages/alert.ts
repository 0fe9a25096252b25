import type { ApiKeyInfo } from '../../../db/api-key-repository.ts';
import type { MemberView } from '../../../db/review-repository.ts';
import type { AlertStatus } from '../../../db/schema/index.ts';
import type { AlertView, EvidenceView } from '../../alert-view.ts';
import { accountUrl, postUrl } from '../../../core/platform-links.ts';
import { wordDiff } from '../diff.ts';
import { extLink, fmtNum, fmtTime, html, seg } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import { severityBadge, statusBadge } from './queue.ts';
import { originalLink } from './search.ts';

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
  A7: 'persona across platforms',
};

const handleOf = (m: Pick<MemberView, 'handle' | 'account_id'>) => m.handle ?? m.account_id;
const splitKey = (key: string) => {
  const i = key.indexOf(':');
  return { platform: key.slice(0, i), id: key.slice(i + 1) };
};
const postOriginal = (postKey: string | undefined, handle: string | null) => {
  if (!postKey) return html``;
  const k = splitKey(postKey);
  return originalLink(postUrl({ platform: k.platform, post_id: k.id, handle }));
};
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
  return html`${canDecide ? memberBulkBar() : ''}<table class="members"><thead><tr>${canDecide ? html`<th class="pick"><input type="checkbox" id="pick-all-members" aria-label="select every member"></th>` : ''}<th>account</th><th class="hide-narrow">name</th><th class="hide-narrow">location</th><th>role</th><th>cohesion</th><th>suspicion</th><th>signals</th><th>decision</th></tr></thead><tbody>
  ${members.map(
    (m) => html`<tr data-account="${m.account_key}" data-handle="${handleOf(m)}" data-decision="${m.decision ?? ''}">
      ${canDecide ? html`<td class="pick"><input type="checkbox" class="pick-member" value="${m.account_key}" aria-label="select @${handleOf(m)}"></td>` : ''}
      <td><a href="${accountHref(m.account_key)}">@${handleOf(m)}</a> ${originalLink(accountUrl({ platform: splitKey(m.account_key).platform, account_id: m.account_id, handle: m.handle }), '↗')}${m.watchlisted ? html` <span class="badge watch" title="on the watchlist">watchlist</span>` : ''}</td>
      <td class="hide-narrow">${m.display_name ?? ''}</td>
      <td class="hide-narrow">${m.location ?? ''}</td>
      <td><span class="badge role-${m.role}">${m.role}</span></td>
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
      <div class="side"><div class="meta"><a href="${accountHref(d.a.account)}">@${who(d.a.account)}</a> · ${fmtTime(new Date(d.a.t * 1000))} ${postOriginal(d.a.post, handles.get(d.a.account) ?? null)}</div><p class="post-text">${da}</p></div>
      <div class="side"><div class="meta"><a href="${accountHref(d.b.account)}">@${who(d.b.account)}</a> · ${fmtTime(new Date(d.b.t * 1000))} ${postOriginal(d.b.post, handles.get(d.b.account) ?? null)}</div><p class="post-text">${db}</p></div>
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
  // the first label starts at its tick and the last ends at its tick, so neither is clipped
  const anchor = (i: number) => (i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle');
  const legend = html`<p class="legend" id="timeline-legend"><span class="key tl-post-key"></span> post <span class="key tl-repost-key"></span> repost · a row per member, a mark per post; marks in one column are posts within seconds of each other. Hover or click a mark to read the post.</p>`;
  return html`${legend}<div class="tl-wrap"><svg class="timeline" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="timeline of the members' posts">
    ${members.map((m, i) => html`<text x="${left - 6}" y="${i * H + 11}" text-anchor="end" class="tl-label">@${handleOf(m).slice(0, 18)}</text><line x1="${left}" x2="${W - 10}" y1="${i * H + 7}" y2="${i * H + 7}" class="tl-row"/>`)}
    ${pts
      .filter((p) => row.has(p.account))
      .map((p) => html`<rect x="${(x(p.t) - 1).toFixed(1)}" y="${row.get(p.account)! * H + 1}" width="4" height="12" class="tl-tick ${p.repost ? 'tl-repost' : 'tl-post'}" data-post="${p.post}" data-account="${p.account}" data-t="${fmtTime(new Date(p.t * 1000))}" tabindex="0"><title>${fmtTime(new Date(p.t * 1000))} · ${p.repost ? 'repost' : 'post'} by @${handleOf(members[row.get(p.account)!]!)}</title></rect>`)}
    ${ticks.map((t, i) => html`<text x="${x(t).toFixed(1)}" y="${height - 4}" text-anchor="${anchor(i)}" class="tl-axis">${fmtTime(new Date(t * 1000)).slice(5, 16)}</text>`)}
  </svg><div class="tl-tip" id="tl-tip" role="tooltip" hidden></div></div>`;
}

/** What an event changed, in words: the member it concerns, and from → to only where they differ. */
function eventChange(e: AlertView['events'][number], handles: Map<string, string>): SafeHtml {
  const data = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
  if (e.action === 'member') {
    const key = typeof data.account === 'string' ? data.account : '';
    const who = handles.get(key) ?? splitKey(key).id;
    return html`<a href="${key ? accountHref(key) : '#'}">@${who}</a>: ${e.from_value ?? 'no decision'} → ${e.to_value ?? '—'}`;
  }
  if (e.action === 'updated') {
    const bits: string[] = [];
    if (e.from_value && e.to_value && e.from_value !== e.to_value) bits.push(`severity ${e.from_value} → ${e.to_value}`);
    const m = data.members as { from?: number; to?: number } | undefined;
    if (m && typeof m.from === 'number' && typeof m.to === 'number' && m.from !== m.to) bits.push(`members ${m.from} → ${m.to}`);
    const sc = data.score as { from?: number; to?: number } | undefined;
    if (sc && typeof sc.from === 'number' && typeof sc.to === 'number' && sc.from !== sc.to) bits.push(`score ${sc.from.toFixed(1)} → ${sc.to.toFixed(1)}`);
    return html`${bits.join(', ')}`;
  }
  if (!e.from_value && !e.to_value) return html``;
  if (e.from_value === e.to_value) return html`${e.to_value}`;
  return html`${e.from_value ?? '—'} → ${e.to_value ?? '—'}`;
}

function eventsTable(view: AlertView): SafeHtml {
  const handles = new Map(view.members.map((m) => [m.account_key, handleOf(m)]));
  return html`<table class="events" id="history"><thead><tr><th>when</th><th>who</th><th>what</th><th>change</th><th>note</th></tr></thead><tbody>
  ${[...view.events].reverse().map(
    (e) => html`<tr class="event ev-${e.action}" data-action="${e.action}" data-to="${e.to_value ?? ''}">
      <td>${fmtTime(e.at)}</td><td>${e.actor}</td><td>${e.action}</td>
      <td class="change">${eventChange(e, handles)}</td>
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
    <p class="facts"><span id="member-count">${view.members.length}</span> members${verdictCountNote(a.verdict, view.members.length)} · active ${fmtTime(a.first_seen_at)} → ${fmtTime(a.last_seen_at)} · kinds ${a.kinds.join(', ')} · assignee <span id="assignee">${a.assignee ?? 'none'}</span> · detector ${a.detector_version}</p>
    ${actions}
    <p class="exports">Export: <a href="/v1/alerts/${seg(a.id)}/export.json">JSON</a> · <a href="/v1/alerts/${seg(a.id)}/members.csv">members CSV</a> · <a href="/v1/alerts/${seg(a.id)}/network.graphml">GraphML</a> · <a href="/v1/alerts/${seg(a.id)}/export.stix.json" id="export-stix">STIX 2.1</a></p>
    <section id="score"><h2>Score</h2>${scoreBar(parts, a.score)}</section>
    ${evidenceSection(view.evidence, view.members)}
    <section id="timeline"><h2>Timeline</h2>${timelineSvg(view)}</section>
    <section id="network"><h2>Network</h2>${graphLegend()}<div id="graph" data-src="/v1/alerts/${seg(a.id)}/graph"><p class="muted">Loading the network…</p></div></section>
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

/**
 * The verdict was written for the cluster that gave the alert its score; later windows may
 * have added members. Say so where the numbers differ, so the header and the verdict agree.
 */
function verdictCountNote(verdict: string, members: number): SafeHtml {
  const m = /^(\d+) accounts\b/.exec(verdict);
  const k = m ? Number(m[1]) : members;
  return k !== members ? html` <span class="muted" id="verdict-count-note">(the verdict describes the ${k} of its strongest cluster; ${members - k > 0 ? `${members - k} joined later` : 'fewer remain'})</span>` : html``;
}

const EDGE_KINDS: [string, string][] = [
  ['co_text', 'same text'],
  ['co_similar', 'near-same text'],
  ['co_link', 'same link'],
  ['co_repost', 'same repost'],
  ['co_reply', 'same reply'],
  ['co_hashtag_seq', 'same hashtags'],
  ['co_set', 'rare objects in common'],
  ['other', 'other kinds'],
];

function graphLegend(): SafeHtml {
  return html`<div class="legend" id="graph-legend">
    <span class="legend-group">Members:
      <span class="node-key role-hub"></span> hub (most ties) <span class="node-key role-core"></span> core <span class="node-key role-peripheral"></span> peripheral</span>
    <span class="legend-group">Links, by their strongest kind: ${EDGE_KINDS.map(([k, label]) => html`<span class="edge-key kind-${k}"></span> ${label} `)}</span>
    <span class="legend-group muted">thicker = more shared actions</span>
  </div>`;
}

function memberBulkBar(): SafeHtml {
  return html`<div class="bulk" id="member-bulk" hidden>
    <span id="member-bulk-count">0 selected</span>
    <button type="button" data-bulk-decide="coordinated">Coordinated</button>
    <button type="button" data-bulk-decide="bystander">Bystander</button>
    <button type="button" data-bulk-decide="unsure">Unsure</button>
    <button type="button" data-bulk-decide="clear">Clear selection</button>
  </div>`;
}
