/** COPY text format: a field with backslash, newline, carriage return and tab escaped; `\N` is null. */
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESC = /[\\\n\r\t]/g;
const ESC_MAP: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function copyText(s: string | null): string {
  if (s === null) return '\\N';
  return NEEDS_ESCAPE.test(s) ? s.replace(ESC, (m) => ESC_MAP[m]!) : s;
}
