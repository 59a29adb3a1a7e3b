// Dependency order and cycle detection for `needs:` edges. Kahn's algorithm, stable by the
// order steps appear in the file, so the same runbook always runs (and prints) the same way.
// Both are O((V + E) log V) and iterative: a 20k-step chain neither goes quadratic nor
// overflows the stack (a recursive visit did both).

interface Edges {
  ids: readonly string[];
  needs(id: string): readonly string[];
}

/** Each id's known dependencies as file indices; needs naming unknown ids are left out. */
function indexEdges(graph: Edges): { index: Map<string, number>; deps: number[][] } {
  const index = new Map<string, number>();
  graph.ids.forEach((id, i) => index.set(id, i));
  const deps = graph.ids.map((id) => graph.needs(id).flatMap((d) => (index.has(d) ? [index.get(d)!] : [])));
  return { index, deps };
}

/** Returns one cycle as a path `[a, b, a]`, or undefined when the graph is acyclic. */
export function findCycle(graph: Edges): string[] | undefined {
  const { deps } = indexEdges(graph);
  const state = new Uint8Array(graph.ids.length); // 0 new, 1 on the path, 2 done
  for (let root = 0; root < graph.ids.length; root++) {
    if (state[root]) continue;
    // An explicit stack of (node, next dependency to look at) instead of recursion.
    const path: number[] = [root];
    const next: number[] = [0];
    state[root] = 1;
    while (path.length) {
      const top = path.length - 1;
      const id = path[top]!;
      const dep = deps[id]![next[top]!++];
      if (dep === undefined) {
        state[id] = 2;
        path.pop();
        next.pop();
      } else if (state[dep] === 1) {
        return [...path.slice(path.indexOf(dep)), dep].map((i) => graph.ids[i]!);
      } else if (state[dep] === 0) {
        state[dep] = 1;
        path.push(dep);
        next.push(0);
      }
    }
  }
  return undefined;
}

/** A binary min-heap of file indices: the earliest ready step in the file runs first. */
class IndexHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** Topological order (dependencies first). Throws on a cycle: validate first. */
export function topologicalOrder(graph: Edges): string[] {
  const cycle = findCycle(graph);
  if (cycle) throw new Error(`dependency cycle: ${cycle.join(' -> ')}`);
  const { deps } = indexEdges(graph);
  const waiting = deps.map((d) => new Set(d).size);
  const dependents: number[][] = graph.ids.map(() => []);
  deps.forEach((d, i) => new Set(d).forEach((dep) => dependents[dep]!.push(i)));
  const ready = new IndexHeap();
  waiting.forEach((n, i) => n === 0 && ready.push(i));
  const out: string[] = [];
  while (ready.size) {
    const i = ready.pop();
    out.push(graph.ids[i]!);
    for (const d of dependents[i]!) if (--waiting[d]! === 0) ready.push(d);
  }
  return out;
}
