import type { CorePost, Edge, EdgeKind } from '../../../src/core/types.ts';
import { corePost } from '../../helpers/posts.ts';

let n = 0;
/** A compact post with defaults; `key` is unique unless given. */
export function post(account: string, t: number, over: Partial<CorePost> = {}): CorePost {
  return corePost({ ...over, key: over.key ?? `p${++n}`, account, t });
}

export function edge(a: string, b: string, strength: number, kind: EdgeKind = 'co_repost', weight = 2): Edge {
  const [x, y] = a < b ? [a, b] : [b, a];
  return { a: x, b: y, kind, weight, strength, evidence: [] };
}

/** Every pair of the given accounts. */
export function clique(accounts: string[], strength: number, kind: EdgeKind = 'co_repost'): Edge[] {
  const out: Edge[] = [];
  for (let i = 0; i < accounts.length; i++) for (let j = i + 1; j < accounts.length; j++) out.push(edge(accounts[i], accounts[j], strength, kind));
  return out;
}
