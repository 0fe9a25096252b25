import type { GraphData, MemberView } from '../db/review-repository.ts';

/**
 * Exports an analyst opens in other tools. Handles and names are hostile: a CSV cell that
 * starts like a formula is defused (OWASP CSV injection), and XML is escaped.
 */

/**
 * What a spreadsheet may skip before it reads a cell as a formula: white space (incl. no-break
 * and ideographic), line breaks, other controls, format characters (zero-width space/joiners,
 * word joiner, BOM, bidi marks).
 */
const INVISIBLE_LEAD = /^[\s\p{Cc}\p{Cf}\u00a0\u3000]+/u;
/** Formula starts: = + - @ and their full-width (U+FF1D …) and small (U+FE62 …) forms, minus sign. */
const FORMULA_START = /^[=+\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212]/u;

/** Whether a cell would be read as a formula (OWASP CSV injection, with the Unicode look-alikes). */
export function isFormulaLike(s: string): boolean {
  if (/^[\t\r\n]/.test(s)) return true;
  return FORMULA_START.test(s.replace(INVISIBLE_LEAD, ''));
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (isFormulaLike(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function membersCsv(members: readonly MemberView[]): string {
  const cols = [
    'account_key',
    'platform',
    'account_id',
    'handle',
    'display_name',
    'location',
    'role',
    'cohesion',
    'shared',
    'degree',
    'suspicion',
    'watchlisted',
    'decision',
    'decided_by',
  ] as const;
  const lines = [cols.join(',')];
  for (const m of members) lines.push(cols.map((c) => csvCell(m[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function xmlEscape(s: string): string {
  // characters XML 1.0 cannot carry at all are dropped
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}

export function graphml(g: GraphData, members: readonly MemberView[]): string {
  const by = new Map(members.map((m) => [m.account_key, m]));
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="handle" for="node" attr.name="handle" attr.type="string"/>',
    '  <key id="role" for="node" attr.name="role" attr.type="string"/>',
    '  <key id="suspicion" for="node" attr.name="suspicion" attr.type="double"/>',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
    '  <key id="kinds" for="edge" attr.name="kinds" attr.type="string"/>',
    '  <graph id="G" edgedefault="undirected">',
  ];
  for (const n of g.nodes) {
    const m = by.get(n.id);
    out.push(
      `    <node id="${xmlEscape(n.id)}"><data key="handle">${xmlEscape(m?.handle ?? n.label)}</data><data key="role">${xmlEscape(n.role)}</data>` +
        (m?.suspicion !== null && m?.suspicion !== undefined
          ? `<data key="suspicion">${m.suspicion}</data>`
          : '') +
        '</node>',
    );
  }
  g.edges.forEach((e, i) => {
    out.push(
      `    <edge id="e${i}" source="${xmlEscape(e.a)}" target="${xmlEscape(e.b)}"><data key="weight">${e.weight}</data><data key="kinds">${xmlEscape(e.kinds.join(' '))}</data></edge>`,
    );
  });
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}
