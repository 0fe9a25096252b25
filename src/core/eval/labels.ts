/**
 * A labels file: `account_id,label[,group]` with a header; the third column (campaign,
 * category…) is optional and only used to break recall down. Plain text in, plain data out.
 */

export interface LabelRow {
  label: string;
  /** campaign / category, or null */
  group: string | null;
}

export class LabelsError extends Error {
  override name = 'LabelsError';
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function parseLabelsCsv(text: string): Map<string, LabelRow> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const idCol = header.indexOf('account_id');
  const labelCol = header.indexOf('label');
  if (idCol < 0 || labelCol < 0) throw new LabelsError('labels file needs a header with account_id and label columns');
  const groupCol = header.findIndex((h, i) => i !== idCol && i !== labelCol);
  const out = new Map<string, LabelRow>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = splitCsvLine(lines[i]);
    const id = cells[idCol];
    const label = cells[labelCol];
    if (!id || !label) throw new LabelsError(`line ${i + 1}: missing account_id or label`);
    const group = groupCol >= 0 && cells[groupCol] ? cells[groupCol] : null;
    out.set(id, { label, group });
  }
  return out;
}

/** `positive` given: that label; otherwise anything but organic/benign/negative. */
export function positivePredicate(positive: string | null): (label: string) => boolean {
  if (positive) return (l) => l === positive;
  const negative = new Set(['organic', 'benign', 'negative', 'human', '0', 'false']);
  return (l) => !negative.has(l.toLowerCase());
}
