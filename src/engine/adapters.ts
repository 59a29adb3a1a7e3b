// How the engine obtains adapters: lazily, by name, so a runbook that only uses `shell`
// never loads the Kubernetes client. Readers go to preflight/plan/verify, writers to apply.
import type { AdapterName, ReadAdapters, WriteAdapters } from '../adapters/ports.js';

export interface AdapterProvider {
  reader<A extends AdapterName>(names: readonly A[]): Promise<Pick<ReadAdapters, A>>;
  writer<A extends AdapterName>(names: readonly A[]): Promise<Pick<WriteAdapters, A>>;
}

/** Builds a provider from factories; each adapter is created once, on first use. */
export function lazyAdapters(factories: {
  reader: { [K in AdapterName]?: () => Promise<ReadAdapters[K]> };
  writer: { [K in AdapterName]?: () => Promise<WriteAdapters[K]> };
}): AdapterProvider {
  const made = new Map<string, Promise<unknown>>();
  const get = (side: 'reader' | 'writer', name: AdapterName): Promise<unknown> => {
    const key = `${side}:${name}`;
    let p = made.get(key);
    if (!p) {
      const factory = factories[side][name];
      if (!factory) return Promise.reject(new Error(`no ${name} adapter is configured`));
      p = factory();
      made.set(key, p);
    }
    return p;
  };
  const pick = async (side: 'reader' | 'writer', names: readonly AdapterName[]) => {
    const out: Record<string, unknown> = {};
    for (const n of names) {
      // A shell has no read-only form: plan/preflight of a shell step must not run anything.
      if (side === 'reader' && n === 'shell') continue;
      out[n] = await get(side, n);
    }
    return out;
  };
  return {
    reader: (names) => pick('reader', names) as never,
    writer: (names) => pick('writer', names) as never,
  };
}
