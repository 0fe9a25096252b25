import fs from 'node:fs';
import path from 'node:path';
import { InputError } from './read/errors.ts';
import { kindOfNode } from './read/source.ts';
import { adapterOf, type InputFormat } from './registry.ts';
import { detectFolder, detectFormat } from './sniff.ts';

/**
 * What one path given to `ingest` stands for: a file, a folder of one format (the IRA
 * per-author split), or a folder of files read one by one — subfolders included, in path
 * order. Nothing is skipped silently: each file passed over (unknown format, a pipe, a
 * device, a link to a folder) gets a note saying why. Pipes and devices are never opened.
 */
export interface ExpandedInputs {
  inputs: { path: string; format: InputFormat }[];
  /** one line per item passed over, with the reason */
  notes: string[];
}

export async function expandInput(input: string, format?: InputFormat): Promise<ExpandedInputs> {
  if (input === '-') return { inputs: [{ path: input, format: format ?? 'ndjson' }], notes: [] };
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(input);
  } catch {
    throw new InputError(`${input}: no such file or folder`);
  }
  if (!st.isDirectory()) {
    const kind = kindOfNode(st);
    if (kind !== null) throw new InputError(`${input} is ${kind}, not a file: coordwatch reads files, folders or - (stdin)`);
    return { inputs: [{ path: input, format: format ?? (await detectFormat(input)) }], notes: [] };
  }
  const folderFormat = format !== undefined && adapterOf(format).readFolder !== undefined ? format : await folderFormatOf(input);
  if (folderFormat !== null) return { inputs: [{ path: input, format: folderFormat }], notes: [] };

  const out: ExpandedInputs = { inputs: [], notes: [] };
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let s: fs.Stats;
      try {
        s = await fs.promises.stat(p);
      } catch (err) {
        out.notes.push(`skipping ${p}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        continue;
      }
      if (s.isDirectory()) {
        if (e.isSymbolicLink()) {
          out.notes.push(`skipping ${p}: a link to a folder (not followed)`);
          continue;
        }
        const f = await folderFormatOf(p);
        if (f !== null) out.inputs.push({ path: p, format: f });
        else await walk(p);
        continue;
      }
      const kind = kindOfNode(s);
      if (kind !== null) {
        out.notes.push(`skipping ${p}: ${kind}, not a file`);
        continue;
      }
      if (format !== undefined) {
        out.inputs.push({ path: p, format });
        continue;
      }
      try {
        const f = await detectFormat(p);
        // a CSV of no known layout needs a column mapping: given one, the caller names the format
        if (f === 'csv') out.notes.push(`skipping ${p}: a CSV of no known layout (a column mapping, --format csv --map, reads it)`);
        else out.inputs.push({ path: p, format: f });
      } catch (err) {
        // a LICENSE or README next to the data is not a reason to stop
        if (!(err instanceof InputError)) throw err;
        out.notes.push(`skipping ${p}: ${err.message}`);
      }
    }
  };
  await walk(input);
  if (out.inputs.length === 0) throw new InputError(`${input}: no file in it (or its subfolders) has a format coordwatch reads`);
  return out;
}

async function folderFormatOf(dir: string): Promise<InputFormat | null> {
  try {
    return await detectFolder(dir);
  } catch (err) {
    if (err instanceof InputError) return null;
    throw err;
  }
}
