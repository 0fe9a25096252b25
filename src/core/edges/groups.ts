/**
 * Entries (object, post rank) grouped by object in compressed form: the ranks of object o are
 * `ranks[start[o] .. start[o + 1])`, in time order. Built with a counting sort by object, then a
 * numeric sort inside each group.
 */
export interface Groups {
  nObjects: number;
  start: Int32Array;
  ranks: Int32Array;
  /** how many entries each rank has (a post with two links sits in two groups) */
  perRank: Uint8Array;
  /** object key by id, for evidence */
  keys: string[];
}

export class GroupBuilder {
  private readonly ids = new Map<string, number>();
  readonly keys: string[] = [];
  private obj: Int32Array = new Int32Array(1024);
  private rank: Int32Array = new Int32Array(1024);
  private size = 0;

  constructor(private readonly nRanks: number) {}

  /** Entries may come in any order; build() puts each group in time (rank) order. */
  add(rank: number, key: string): void {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
    }
    this.addId(rank, id);
  }

  addId(rank: number, id: number): void {
    if (this.size === this.obj.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.obj = grow(this.obj);
      this.rank = grow(this.rank);
    }
    this.obj[this.size] = id;
    this.rank[this.size] = rank;
    this.size++;
  }

  build(nObjects = this.keys.length): Groups {
    const start = new Int32Array(nObjects + 1);
    const perRank = new Uint8Array(this.nRanks);
    for (let i = 0; i < this.size; i++) {
      start[this.obj[i] + 1]++;
      const r = this.rank[i];
      if (perRank[r] < 255) perRank[r]++;
    }
    for (let o = 0; o < nObjects; o++) start[o + 1] += start[o];
    const fill = start.slice(0, nObjects);
    const ranks = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) ranks[fill[this.obj[i]]++] = this.rank[i];
    // Entries arrive in input order (cheapest to read); each group is then sorted by rank. Groups
    // are small, and already-ordered ones are only checked.
    for (let o = 0; o < nObjects; o++) {
      const from = start[o];
      const to = start[o + 1];
      for (let k = from + 1; k < to; k++) {
        if (ranks[k] < ranks[k - 1]) {
          ranks.subarray(from, to).sort();
          break;
        }
      }
    }
    return { nObjects, start, ranks, perRank, keys: this.keys };
  }
}
