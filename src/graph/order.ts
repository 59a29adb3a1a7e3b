// Dependency order and cycle detection for `needs:` edges. Kahn's algorithm, stable by the
// order steps appear in the file, so the same runbook always runs (and prints) the same way.

export interface Edges {
  ids: readonly string[];
  needs(id: string): readonly string[];
}

/** Returns one cycle as a path `[a, b, a]`, or undefined when the graph is acyclic. */
export function findCycle(graph: Edges): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of graph.needs(id)) {
      if (!graph.ids.includes(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.ids) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Topological order (dependencies first). Throws on a cycle: validate first. */
export function topologicalOrder(graph: Edges): string[] {
  const cycle = findCycle(graph);
  if (cycle) throw new Error(`dependency cycle: ${cycle.join(' -> ')}`);
  const done = new Set<string>();
  const out: string[] = [];
  while (out.length < graph.ids.length) {
    for (const id of graph.ids) {
      if (done.has(id)) continue;
      if (graph.needs(id).every((d) => done.has(d) || !graph.ids.includes(d))) {
        done.add(id);
        out.push(id);
        break;
      }
    }
  }
  return out;
}
