import type { ApiKeyInfo } from '../../../db/api-key-repository.ts';
import type { ScanRun } from '../../../db/schema/index.ts';
import { accountUrl, postUrl } from '../../../core/platform-links.ts';
import { extLink, fmtTime, html, qs, seg } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { AccountHit, PostHit } from '../search.ts';

export const accountHref = (platform: string, id: string) => `/console/accounts/${seg(platform)}/${seg(id)}`;

const alertLinks = (ids: number[]): SafeHtml =>
  ids.length ? html`${ids.slice(0, 5).map((id) => html`<a class="badge alert-ref" href="/console/alerts/${seg(id)}">#${id}</a> `)}${ids.length > 5 ? `+${ids.length - 5}` : ''}` : html`<span class="muted">—</span>`;

/** "View on <platform>" when the ids name a real page; nothing for synthetic sample ids. */
export function originalLink(url: string | null, label = 'original ↗'): SafeHtml {
  return url ? html`<span class="orig">${extLink(url, label)}</span>` : html``;
}

const platformSelect = (platforms: string[], value: string | undefined) =>
  html`<select name="platform" aria-label="platform"><option value="">any platform</option>${platforms.map((p) => html`<option value="${p}" ${p === value ? html`selected` : ''}>${p}</option>`)}</select>`;

export interface PostSearchQuery {
  q?: string;
  platform?: string;
  account?: string;
  hashtag?: string;
  from?: string;
  to?: string;
  reposts?: string;
  cursor?: string;
}

export function postsSearchPage(me: ApiKeyInfo, q: PostSearchQuery, platforms: string[], result: { items: PostHit[]; next_cursor: string | null } | null, error: string | null): string {
  const form = html`<form class="filters search" method="get" action="/console/posts" role="search">
    <input type="search" name="q" placeholder="words in the post" value="${q.q ?? ''}" aria-label="text" autofocus>
    ${platformSelect(platforms, q.platform)}
    <input type="text" name="account" placeholder="@handle or id" value="${q.account ?? ''}" size="12" aria-label="account">
    <input type="text" name="hashtag" placeholder="#hashtag" value="${q.hashtag ?? ''}" size="10" aria-label="hashtag">
    <input type="text" name="from" placeholder="from (ISO)" value="${q.from ?? ''}" size="12" aria-label="from">
    <input type="text" name="to" placeholder="to (ISO)" value="${q.to ?? ''}" size="12" aria-label="to">
    <label class="check"><input type="checkbox" name="reposts" value="1" ${q.reposts ? html`checked` : ''}> include reposts</label>
    <button type="submit">Search</button>
  </form>`;
  const base = { ...q, cursor: undefined };
  const rows = (result?.items ?? []).map(
    (p) => html`<li class="post-hit" data-post="${p.platform}:${p.post_id}">
      <div class="meta"><a href="${accountHref(p.platform, p.account_id)}">@${p.handle ?? p.account_id}</a> · ${p.platform} · ${fmtTime(p.posted_at)}${p.repost_of ? html` · <span class="badge">repost</span>` : ''}
        ${originalLink(postUrl({ platform: p.platform, post_id: p.post_id, account_id: p.account_id, handle: p.handle }))}
        ${p.in_alerts.length ? html` · in ${alertLinks(p.in_alerts)}` : ''}</div>
      <p class="post-text">${p.text}</p>
      ${p.urls.length ? html`<p class="urls">${p.urls.slice(0, 5).map((u) => html`${extLink(u)} `)}</p>` : ''}
    </li>`,
  );
  const searched = Object.values({ ...q, cursor: undefined }).some((v) => v);
  const body = html`<h1>Posts</h1>
  ${form}
  ${error ? html`<p class="error">${error}</p>` : ''}
  <p class="hint">Substring search over post text (original posts; tick “include reposts” for retweets too). Filters combine.</p>
  ${result
    ? html`<p class="count" id="result-count">${result.items.length}${result.next_cursor ? '+' : ''} posts${searched ? '' : ' (newest first)'}</p>
      <ul class="posts" id="post-results">${rows.length ? rows : html`<li class="empty">No post matches.</li>`}</ul>
      ${result.next_cursor ? html`<p class="pager"><a id="next-page" href="/console/posts${qs({ ...base, cursor: result.next_cursor })}">Next page →</a></p>` : ''}`
    : ''}`;
  return layout({ title: 'Posts', page: 'posts', me, body });
}

export function accountsSearchPage(me: ApiKeyInfo, q: { q?: string; platform?: string; offset?: number }, platforms: string[], result: { items: AccountHit[]; more: boolean }, limit: number): string {
  const offset = q.offset ?? 0;
  const base = { q: q.q, platform: q.platform };
  const rows = result.items.map(
    (a) => html`<tr class="account-hit" data-account="${a.platform}:${a.account_id}">
      <td><a href="${accountHref(a.platform, a.account_id)}">@${a.handle ?? a.account_id}</a> ${originalLink(accountUrl(a), '↗')}</td>
      <td class="hide-narrow">${a.display_name ?? ''}</td>
      <td>${a.platform}</td>
      <td class="hide-narrow">${a.location ?? ''}</td>
      <td class="hide-narrow">${fmtTime(a.created_at)}</td>
      <td class="num hide-narrow">${a.followers ?? ''} / ${a.following ?? ''}</td>
      <td>${fmtTime(a.last_post_at)}</td>
      <td>${alertLinks(a.in_alerts)}</td>
    </tr>`,
  );
  const body = html`<h1>Accounts</h1>
  <form class="filters search" method="get" action="/console/accounts" role="search">
    <input type="search" name="q" placeholder="handle, name or id" value="${q.q ?? ''}" aria-label="handle, name or id" autofocus>
    ${platformSelect(platforms, q.platform)}
    <button type="submit">Search</button>
  </form>
  <table class="accounts" id="account-results"><thead><tr><th>account</th><th class="hide-narrow">name</th><th>platform</th><th class="hide-narrow">location</th><th class="hide-narrow">created</th><th class="hide-narrow">followers / following</th><th>last post</th><th>alerts</th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="empty">No account matches.</td></tr>`}</tbody></table>
  <p class="pager">${offset > 0 ? html`<a href="/console/accounts${qs({ ...base, offset: Math.max(0, offset - limit) })}">← Previous</a> ` : ''}${result.more ? html`<a id="next-page" href="/console/accounts${qs({ ...base, offset: offset + limit })}">Next →</a>` : ''}</p>`;
  return layout({ title: 'Accounts', page: 'accounts', me, body });
}

const SCAN_KINDS = ['window', 'rolling', 'deep', 'manual'];
const SCAN_STATUSES = ['running', 'completed', 'failed', 'skipped'];

function scanStats(stats: unknown): string {
  if (!stats || typeof stats !== 'object') return '';
  const s = stats as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of ['posts', 'edges', 'clusters', 'opened', 'updated', 'suppressed']) {
    const v = s[k];
    if (typeof v === 'number') parts.push(`${v.toLocaleString('en-US')} ${k}`);
    else if (Array.isArray(v)) parts.push(`${v.length} ${k}`);
  }
  return parts.join(', ');
}

export function scansPage(me: ApiKeyInfo, f: { kind?: string; status?: string; offset?: number }, result: { items: ScanRun[]; more: boolean }, limit: number): string {
  const offset = f.offset ?? 0;
  const sel = (name: string, options: string[], value: string | undefined) =>
    html`<select name="${name}" aria-label="${name}"><option value="">any ${name}</option>${options.map((o) => html`<option value="${o}" ${o === value ? html`selected` : ''}>${o}</option>`)}</select>`;
  const dur = (r: ScanRun) => (r.finished_at ? `${((new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000).toFixed(1)} s` : '');
  const rows = result.items.map(
    (r) => html`<tr class="scan-row st-${r.status}" data-id="${r.id}">
      <td class="num">${r.id}</td><td>${r.kind}</td><td><span class="badge scan-${r.status}">${r.status}</span></td>
      <td>${fmtTime(r.window_start)} → ${fmtTime(r.window_end)}</td>
      <td class="hide-narrow">${fmtTime(r.started_at)}</td><td class="num">${dur(r)}</td>
      <td>${scanStats(r.stats)}${r.error ? html` <span class="error">${r.error}</span>` : ''}</td>
      <td class="hide-narrow muted">${r.detector_version}</td>
    </tr>`,
  );
  const base = { kind: f.kind, status: f.status };
  const body = html`<h1>Scans</h1>
  <p class="hint">Every detection window and batch scan is a run: its window, what it found, how long it took. Leads start one with <code>POST /v1/scans</code> or <code>coordwatch scan</code>.</p>
  <form class="filters" method="get" action="/console/scans">${sel('kind', SCAN_KINDS, f.kind)} ${sel('status', SCAN_STATUSES, f.status)} <button type="submit">Filter</button></form>
  <table class="scans" id="scans"><thead><tr><th>id</th><th>kind</th><th>status</th><th>window</th><th class="hide-narrow">started</th><th>took</th><th>result</th><th class="hide-narrow">detector</th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="empty">No scan runs yet.</td></tr>`}</tbody></table>
  <p class="pager">${offset > 0 ? html`<a href="/console/scans${qs({ ...base, offset: Math.max(0, offset - limit) })}">← Previous</a> ` : ''}${result.more ? html`<a id="next-page" href="/console/scans${qs({ ...base, offset: offset + limit })}">Next →</a>` : ''}</p>`;
  return layout({ title: 'Scans', page: 'scans', me, body });
}
