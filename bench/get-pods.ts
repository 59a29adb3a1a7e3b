// `kubectl get pods -A` against the lab beside the real kube-apiserver v1.20 holding the same
// pods, paged (kubectl's default, 500 a page) and in one request (--chunk-size=0: the server's
// own cost), interleaved, medians. The floor under the paged figure is kubectl's: client-go's
// token bucket (rest/config.go DefaultQPS 5, DefaultBurst 10; kubectl raises them only for
// discovery, cli-runtime pkg/genericclioptions/config_flags.go toDiscoveryClient) makes every
// request past the 10th wait its 200 ms (rest/request.go tryThrottle logs "Waited for ... due to
// client-side throttling, not priority and fairness"), whatever the server does.
import type { Lab } from '../src/lab/lab.js';
import { measure } from './child.js';
import { realApiserverWith } from './real-apiserver.js';
import { median } from './stats.js';

const PAGE = 500; // kubectl's --chunk-size default
const CLIENT_QPS = 5;
const CLIENT_BURST = 10;

/** Seconds client-go's limiter alone keeps `pages` requests from finishing (the first `burst` are free). */
export function throttlingFloorMs(pages: number): number {
  return (Math.max(0, pages - CLIENT_BURST) / CLIENT_QPS) * 1000;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function getPods(kubeconfig: string, chunked: boolean): Promise<number> {
  return (await measure('kubectl', ['get', 'pods', '-A', ...(chunked ? [] : ['--chunk-size=0'])], { KUBECONFIG: kubeconfig })).ms;
}

/** The lab row's `get pods -A` figures; `hasKubectl` false: NaN and a note. */
export async function getPodsFigures(lab: Lab, hasKubectl: boolean, rounds = 3): Promise<{ text: string; ms: number; figures: Record<string, number> }> {
  const pods = lab.kube.store.view('v1', 'Pod');
  const floor = throttlingFloorMs(Math.ceil(pods.length / PAGE));
  if (!hasKubectl) return { text: 'get pods -A not measured (no kubectl)', ms: NaN, figures: { getPodsMs: NaN } };
  const real = await realApiserverWith(pods);
  try {
    const t = { lab: [] as number[], labOne: [] as number[], real: [] as number[], realOne: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      t.lab.push(await getPods(lab.kubeconfigPath, true));
      if (real) t.real.push(await getPods(real.server.kubeconfigPath, true));
      t.labOne.push(await getPods(lab.kubeconfigPath, false));
      if (real) t.realOne.push(await getPods(real.server.kubeconfigPath, false));
    }
    const m = { lab: median(t.lab), labOne: median(t.labOne), real: real ? median(t.real) : NaN, realOne: real ? median(t.realOne) : NaN };
    const against = real
      ? `real kube-apiserver v1.20, same ${real.created} pods: ${sec(m.real)}${real.firstError ? ` (${pods.length - real.created} refused: ${real.firstError})` : ''}`
      : 'real kube-apiserver not built here: no comparison';
    const one = `one request, --chunk-size=0: lab ${sec(m.labOne)}${real ? `, real ${sec(m.realOne)}` : ''}`;
    return {
      text: `get pods -A ${sec(m.lab)} (${against}; ${one}; client-side throttling floor ${sec(floor)})`,
      ms: m.lab,
      figures: { getPodsMs: m.lab, getPodsOneRequestMs: m.labOne, realGetPodsMs: m.real, realGetPodsOneRequestMs: m.realOne, pods: pods.length, throttlingFloorMs: floor, realFillMs: real?.fillMs ?? NaN },
    };
  } finally {
    await real?.server.stop();
  }
}
