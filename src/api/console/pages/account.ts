import type { ApiKeyInfo } from '../../../db/api-key-repository.ts';
import type { Account, AccountSighting, Post } from '../../../db/schema/index.ts';
import { extLink, fmtNum, fmtTime, html, seg } from '../html.ts';
import { layout } from '../layout.ts';
import { severityBadge, statusBadge } from './queue.ts';

export interface AccountPageData {
  account: Account & { key: string };
  post_count: number;
  sightings: AccountSighting[];
  signals: unknown;
  alerts: { id: number; status: string; severity: string; score: number; verdict: string; role: string; suspicion: number | null }[];
  posts: (Post & { handle: string | null })[];
}

export function accountPage(me: ApiKeyInfo, d: AccountPageData): string {
  const a = d.account;
  const sig = (d.signals ?? {}) as Record<string, { value: number; applicable: boolean; reason: string } | undefined>;
  const body = html`<article class="account" id="account" data-key="${a.key}">
    <p class="crumbs"><a href="/console/alerts">← Queue</a></p>
    <h1>@${a.handle ?? a.account_id} <span class="muted">${a.platform}:${a.account_id}</span></h1>
    <dl class="profile">
      <dt>name</dt><dd>${a.display_name ?? ''}</dd>
      <dt>bio</dt><dd class="bio">${a.bio ?? ''}</dd>
      <dt>location</dt><dd>${a.location ?? ''}</dd>
      <dt>created</dt><dd>${fmtTime(a.created_at)}</dd>
      <dt>followers / following</dt><dd>${a.followers ?? '?'} / ${a.following ?? '?'}</dd>
      <dt>posts stored</dt><dd>${d.post_count} (${fmtTime(a.first_post_at)} → ${fmtTime(a.last_post_at)})</dd>
    </dl>
    <section><h2>Account signals</h2>
      ${d.signals
        ? html`<table class="signals"><thead><tr><th>signal</th><th>value</th><th>why</th></tr></thead><tbody>
          ${['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'].map((k) => {
            const s = sig[k];
            return s ? html`<tr class="${s.applicable ? '' : 'muted'}"><td>${k}</td><td class="num">${fmtNum(s.value, 2)}</td><td>${s.reason}</td></tr>` : '';
          })}</tbody></table>`
        : html`<p class="muted">Not scored yet (signals are computed when the account is in a cluster).</p>`}
    </section>
    <section><h2>Alerts (${d.alerts.length})</h2>
      ${d.alerts.length
        ? html`<table><thead><tr><th>alert</th><th>status</th><th>severity</th><th>score</th><th>role</th><th>why</th></tr></thead><tbody>
          ${d.alerts.map((x) => html`<tr><td><a href="/console/alerts/${seg(x.id)}">#${x.id}</a></td><td>${statusBadge(x.status)}</td><td>${severityBadge(x.severity)}</td><td class="num">${fmtNum(x.score)}</td><td>${x.role}</td><td>${x.verdict}</td></tr>`)}
          </tbody></table>`
        : html`<p class="muted">In no alert.</p>`}
    </section>
    <section><h2>Personas seen (${d.sightings.length})</h2>
      <table><thead><tr><th>first seen</th><th>last seen</th><th>handle</th><th>name</th><th>location</th><th>lang</th><th>bio</th><th>posts</th></tr></thead><tbody>
      ${d.sightings.map((s) => html`<tr><td>${fmtTime(s.first_seen_at)}</td><td>${fmtTime(s.last_seen_at)}</td><td>${s.handle ?? ''}</td><td>${s.display_name ?? ''}</td><td>${s.location ?? ''}</td><td>${s.lang ?? ''}</td><td class="bio">${s.bio ?? ''}</td><td class="num">${s.posts}</td></tr>`)}
      </tbody></table>
    </section>
    <section><h2>Recent posts</h2>
      <ul class="posts">${d.posts.map(
        (p) => html`<li><span class="meta">${fmtTime(p.posted_at)}${p.repost_of ? html` · repost of ${p.repost_of}` : ''}</span><p class="post-text">${p.text}</p>${p.urls.length ? html`<p class="urls">${p.urls.map((u) => html`${extLink(u)} `)}</p>` : ''}</li>`,
      )}</ul>
    </section>
  </article>`;
  return layout({ title: `@${a.handle ?? a.account_id}`, page: 'account', me, body });
}
