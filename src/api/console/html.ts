/**
 * Escaping by construction: every value interpolated into `html\`…\`` is escaped unless it
 * is already SafeHtml (built by this same tag). Post text, handles, bios and reasons are
 * hostile; there is no other way to put a string into a page.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESC[c]!);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

export const raw = (s: string) => new SafeHtml(s);

/** A link out of the console: only http(s), opened apart, never followed or given a referrer. */
export function extLink(url: string, label?: string): SafeHtml {
  if (!/^https?:\/\//i.test(url)) return html`<span class="url">${label ?? url}</span>`;
  return html`<a class="ext" href="${url}" rel="noopener noreferrer nofollow" target="_blank">${label ?? url}</a>`;
}

/** A path segment for an internal link. */
export const seg = (s: string | number) => encodeURIComponent(String(s));

export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export const fmtTime = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().slice(0, 19).replace('T', ' ') + 'Z' : '');
export const fmtNum = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '' : x.toFixed(digits));
