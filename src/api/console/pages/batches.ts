import type { ApiKeyInfo } from '../../../db/api-key-repository.ts';
import type { IngestBatch, RejectedRecord } from '../../../db/schema/index.ts';
import { fmtTime, html, qs, seg } from '../html.ts';
import { layout } from '../layout.ts';

export function batchesPage(me: ApiKeyInfo, batches: IngestBatch[]): string {
  const body = html`<h1>Ingest batches</h1>
  <table class="batches"><thead><tr><th>id</th><th>status</th><th>source</th><th>format</th><th>accepted</th><th>duplicates</th><th>rejected</th><th>started</th><th>finished</th></tr></thead><tbody>
  ${batches.map(
    (b) => html`<tr><td><a href="/console/batches/${seg(b.id)}">#${b.id}</a></td><td>${b.status}</td><td>${b.file_name ?? b.source}</td><td>${b.format ?? ''}</td><td class="num">${b.accepted}</td><td class="num">${b.duplicates}</td><td class="num">${b.rejected}</td><td>${fmtTime(b.started_at)}</td><td>${fmtTime(b.finished_at)}</td></tr>`,
  )}
  </tbody></table>`;
  return layout({ title: 'Batches', page: 'batches', me, body });
}

export function batchPage(me: ApiKeyInfo, b: IngestBatch, rejected: RejectedRecord[], offset: number, limit: number, total: number): string {
  const body = html`<p class="crumbs"><a href="/console/batches">← Batches</a></p>
  <h1>Batch #${b.id} <span class="badge">${b.status}</span></h1>
  <dl class="profile">
    <dt>source</dt><dd>${b.source}</dd><dt>file</dt><dd>${b.file_name ?? ''}</dd><dt>format</dt><dd>${b.format ?? ''}</dd>
    <dt>records</dt><dd>${b.total} read · ${b.accepted} accepted · ${b.duplicates} duplicates · ${b.rejected} rejected</dd>
    <dt>time</dt><dd>${fmtTime(b.started_at)} → ${fmtTime(b.finished_at)}</dd>
    ${b.error ? html`<dt>error</dt><dd class="error">${b.error}</dd>` : ''}
  </dl>
  <h2>Rejected records (${total})</h2>
  <table class="rejected"><thead><tr><th>file</th><th>line</th><th>reason</th><th>raw</th></tr></thead><tbody>
  ${rejected.map((r) => html`<tr><td>${r.file ?? ''}</td><td class="num">${r.line ?? ''}</td><td>${r.reason}</td><td><pre class="raw">${(r.raw ?? '').slice(0, 500)}</pre></td></tr>`)}
  </tbody></table>
  <p class="pager">${offset > 0 ? html`<a href="/console/batches/${seg(b.id)}${qs({ offset: Math.max(0, offset - limit) })}">← Previous</a> ` : ''}${offset + limit < total ? html`<a href="/console/batches/${seg(b.id)}${qs({ offset: offset + limit })}">Next →</a>` : ''}</p>`;
  return layout({ title: `Batch #${b.id}`, page: 'batch', me, body });
}
