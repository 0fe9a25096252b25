import type { Edge } from '../types.ts';

/**
 * Edge files as strings (the CLI writes them). Account ids and handles are hostile text: CSV
 * fields are quoted whenever they hold a quote, comma, newline or edge whitespace, and GraphML
 * escapes markup and replaces code points XML 1.0 forbids (controls, lone surrogates) with U+FFFD.
 */

/** Code-point (= UTF-8 byte) order, as SQLite's BINARY collation sorts CNT's output. */
export function compareCodePoints(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.charCodeAt(i);
    const b = y.charCodeAt(i);
    if (a === b) continue;
    // A surrogate (astral code point) sorts after every BMP code unit, U+E000–U+FFFF included.
    const sa = a >= 0xd800 && a <= 0xdfff;
    const sb = b >= 0xd800 && b <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return a - b;
  }
  return x.length - y.length;
}

function csvQuoteAll(v: string): string {
  return '"' + v.replaceAll('"', '""') + '"';
}

function csvField(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? csvQuoteAll(v) : v;
}

export interface CsvOptions {
  /** CNT's layout: every field quoted, CRLF, one row per direction at or above minWeight */
  compat: boolean;
  minWeight: number;
  /** CNT's edge_type column (its network name) */
  edgeType: string;
}

export function edgesToCsv(edges: readonly Edge[], opts: CsvOptions): string {
  if (opts.compat) {
    const rows: [string, string, number][] = [];
    for (const e of edges) {
      const ab = e.directed?.ab ?? e.weight;
      const ba = e.directed?.ba ?? e.weight;
      if (ab >= opts.minWeight) rows.push([e.a, e.b, ab]);
      if (ba >= opts.minWeight) rows.push([e.b, e.a, ba]);
    }
    rows.sort((r, s) => compareCodePoints(r[0], s[0]) || compareCodePoints(r[1], s[1]));
    const type = csvQuoteAll(opts.edgeType);
    const lines = ['"source","target","weight","edge_type"'];
    for (const [s, t, w] of rows) lines.push(`${csvQuoteAll(s)},${csvQuoteAll(t)},"${w}",${type}`);
    return lines.join('\r\n') + '\r\n';
  }
  const lines = ['source,target,weight,strength'];
  for (const e of edges) lines.push(`${csvField(e.a)},${csvField(e.b)},${e.weight},${roundStrength(e.strength)}`);
  return lines.join('\n') + '\n';
}

function roundStrength(s: number): string {
  return String(Math.round(s * 1e6) / 1e6);
}

// eslint-disable-next-line no-control-regex
const XML_INVALID_RE = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function xmlEscape(v: string): string {
  return v
    .replace(XML_INVALID_RE, '\ufffd')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

export interface GraphmlNode {
  handle?: string | null;
  display_name?: string | null;
}

/** One undirected graph with every kind's edges (parallel edges between a pair, one per kind). */
export function edgesToGraphml(edges: readonly Edge[], nodes?: ReadonlyMap<string, GraphmlNode>): string {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    for (const id of [e.a, e.b]) {
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    }
  }
  ids.sort(compareCodePoints);
  const hasDirected = edges.some((e) => e.directed !== undefined);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    '  <key id="handle" for="node" attr.name="handle" attr.type="string"/>',
    '  <key id="name" for="node" attr.name="display_name" attr.type="string"/>',
    '  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
    '  <key id="strength" for="edge" attr.name="strength" attr.type="double"/>',
  ];
  if (hasDirected) {
    out.push('  <key id="weight_ab" for="edge" attr.name="weight_source_target" attr.type="int"/>');
    out.push('  <key id="weight_ba" for="edge" attr.name="weight_target_source" attr.type="int"/>');
  }
  out.push('  <graph id="coordwatch" edgedefault="undirected">');
  for (const id of ids) {
    const n = nodes?.get(id);
    let line = `    <node id="${xmlEscape(id)}">`;
    if (n?.handle) line += `<data key="handle">${xmlEscape(n.handle)}</data>`;
    if (n?.display_name) line += `<data key="name">${xmlEscape(n.display_name)}</data>`;
    out.push(line + '</node>');
  }
  edges.forEach((e, i) => {
    let line =
      `    <edge id="e${i}" source="${xmlEscape(e.a)}" target="${xmlEscape(e.b)}">` +
      `<data key="kind">${e.kind}</data><data key="weight">${e.weight}</data>` +
      `<data key="strength">${roundStrength(e.strength)}</data>`;
    if (e.directed) line += `<data key="weight_ab">${e.directed.ab}</data><data key="weight_ba">${e.directed.ba}</data>`;
    out.push(line + '</edge>');
  });
  out.push('  </graph>', '</graphml>');
  return out.join('\n') + '\n';
}
