// The embedded lab: a Kubernetes API server and a Proxmox VE API simulator on 127.0.0.1, tied
// together by simulated kubelets, started from a scenario or from the state a previous run left
// in its directory. Clients reach it through the files it writes (kubeconfig, proxmox.env).
import { randomBytes } from 'node:crypto';
import { LabFaults } from './faults/faults.js';
import { renderKubeconfig } from './kube/kubeconfig.js';
import { startKubeServer, type KubeServer } from './kube/server.js';
import { KubeStore } from './kube/store.js';
import { startControllers, type RunningControllers } from './kubelet/control-loop.js';
import { controllerStore } from './kubelet/controller-store.js';
import { isEphemeralChange } from './ephemeral-change.js';
import { EtcdMembers, type EtcdMember } from './kubelet/etcd-members.js';
import { ETCD_NODE_ADDRESS, ETCD_NODE_NAME } from '../k3s-facts.js';
import type { LabEtcd } from './kubelet/types.js';
import { checkLabDirFree, labPaths, loadOrCreateTls, readLabState, removePidFile, writeKubeconfigFile, writeInventory, writeLabState, writePidFile, writeProxmoxEnv, type LabStateFile } from './lab-dir.js';
import { labInventory } from './lab-inventory.js';
import { startProxmoxServer, type ProxmoxServer } from './proxmox/server.js';
import { ProxmoxState } from './proxmox/state.js';
import { DEFAULT_SCENARIO, loadScenario } from './scenario.js';
import { etcdMembersOf, proxmoxSpecOf, seedKubeStore } from './scenario-seed.js';
import type { Traffic } from './traffic.js';

export interface Lab {
  dir: string;
  kubeconfigPath: string;
  proxmoxEnvPath: string;
  kube: { url: string; store: KubeStore; traffic: Traffic };
  proxmox: { url: string; state: ProxmoxState; tokenId: string; tokenSecret: string; traffic: Traffic };
  caPem: string;
  caPath: string;
  /** Fault injection on both servers, switchable at run time (tests). */
  faults: LabFaults;
  /** The embedded etcd (absent when the scenario has no servers): its members and k3s's last errors. */
  etcd?: LabEtcd;
  /** Runs the simulated controllers until the state settles (tests use it instead of sleeping). */
  settle(): void;
  /** Controller passes so far, and controller runs within them (counts for tests and the bench). */
  controllerRuns: RunningControllers['runs'];
  /** Stops controllers and servers, then persists the state to the directory. */
  stop(): Promise<void>;
}

interface StartLabOptions {
  /** scenario name (src/lab/scenarios/NAME.yaml) or path; default incident-2025-08; ignored when the dir has state */
  scenario?: string;
  dir: string;
  /** duration of simulated Proxmox power tasks */
  rebootSeconds?: number;
  /** node-monitor-grace-period: how long a silent node stays Ready (default 40, as kube-controller-manager) */
  notReadyGraceSeconds?: number;
  /** period of one OOM-kill/restart cycle of a crash-looping container (default 10) */
  crashLoopSeconds?: number;
  port?: { kube?: number; proxmox?: number };
  /** reports controller failures (a lab keeps serving) */
  onError?: (e: unknown) => void;
  /** the simulated controllers' clock (default the real one): a test moves it on instead of sleeping */
  now?: () => number;
}

const PERSIST_DEBOUNCE_MS = 2000;

/** Listens on the wanted port; a remembered port that is taken now falls back to any port. */
async function withPortFallback<T>(wanted: number | undefined, remembered: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  if (wanted !== undefined) return start(wanted);
  if (remembered) {
    try {
      return await start(remembered);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  return start(0);
}

/** A state file from before the lab kept etcd members: the annotated etcd Nodes are its members. */
function membersFromNodes(store: KubeStore): EtcdMember[] {
  return store.list('v1', 'Node').flatMap((n) => {
    const a = n.metadata.annotations ?? {};
    return a[ETCD_NODE_NAME] && a[ETCD_NODE_ADDRESS] ? [{ name: a[ETCD_NODE_NAME], address: a[ETCD_NODE_ADDRESS], node: n.metadata.name }] : [];
  });
}

export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const paths = labPaths(opts.dir);
  checkLabDirFree(paths);
  const closers: (() => Promise<void> | void)[] = [() => removePidFile(paths)];
  const cleanup = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const tls = await loadOrCreateTls(paths);
    const saved = readLabState(paths);
    let store: KubeStore;
    let state: ProxmoxState;
    let scenarioName: string;
    let members: EtcdMember[];
    if (saved) {
      store = new KubeStore(saved.kube);
      state = ProxmoxState.fromJSON(saved.proxmox);
      if (opts.rebootSeconds !== undefined) state.rebootSeconds = opts.rebootSeconds;
      scenarioName = saved.scenario;
      members = saved.etcd ?? membersFromNodes(store);
    } else {
      const scenario = loadScenario(opts.scenario ?? DEFAULT_SCENARIO);
      store = new KubeStore();
      seedKubeStore(store, scenario);
      state = ProxmoxState.fromSpec(proxmoxSpecOf(scenario, opts.rebootSeconds));
      scenarioName = scenario.name;
      members = etcdMembersOf(scenario);
    }
    closers.push(() => state.dispose());
    const token = saved?.kubeToken ?? randomBytes(24).toString('hex');
    const faults = new LabFaults({ failTask: (f) => state.failNextTask(f) });
    const serverTls = { certPem: tls.certPem, keyPem: tls.keyPem };
    const kube: KubeServer = await withPortFallback(opts.port?.kube, saved?.ports.kube, (port) => startKubeServer({ store, tls: serverTls, token, port, faults }));
    closers.push(() => kube.close());
    const proxmox: ProxmoxServer = await withPortFallback(opts.port?.proxmox, saved?.ports.proxmox, (port) => startProxmoxServer({ state, tls: serverTls, port, faults }));
    closers.push(() => proxmox.close());
    // A cluster without servers has no embedded etcd: no member list, no member controller.
    const etcd: LabEtcd | undefined = members.length ? { members: new EtcdMembers(members), lastErrors: new Map() } : undefined;
    const controllers: RunningControllers = startControllers(
      {
        store: controllerStore(store),
        proxmox: state,
        now: opts.now ?? (() => Date.now()),
        notReadyGraceSeconds: opts.notReadyGraceSeconds ?? 40,
        crashLoopSeconds: opts.crashLoopSeconds ?? 10,
        ...(etcd ? { etcd } : {}),
      },
      opts.onError ? { onError: opts.onError } : {},
    );
    closers.push(() => controllers.stop());

    const [apiToken] = state.tokens();
    if (!apiToken) throw new Error(`scenario ${scenarioName} defines no Proxmox API token`);
    writeKubeconfigFile(paths, renderKubeconfig({ server: kube.url, caPem: tls.caPem, token }));
    writeInventory(paths, labInventory(store, state));
    writeProxmoxEnv(paths, { url: proxmox.url, tokenId: apiToken.id, tokenSecret: apiToken.secret });
    const persist = () => {
      const file: LabStateFile = { version: 1, scenario: scenarioName, kubeToken: token, ports: { kube: kube.port, proxmox: proxmox.port }, kube: store.toJSON(), proxmox: state.toJSON(), ...(etcd ? { etcd: etcd.members.toJSON() } : {}) };
      writeLabState(paths, file);
    };
    persist();
    writePidFile(paths);
    // Also persist shortly after changes, so a killed lab process loses at most a few seconds.
    let persistTimer: ReturnType<typeof setTimeout> | undefined;
    const persistSoon = () => {
      if (persistTimer) return;
      persistTimer = setTimeout(() => {
        persistTimer = undefined;
        try {
          persist();
        } catch (e) {
          opts.onError?.(e);
        }
      }, PERSIST_DEBOUNCE_MS);
      persistTimer.unref();
    };
    const unsubscribe = store.subscribe((e) => isEphemeralChange(e) || persistSoon());
    state.on('vm-changed', persistSoon);
    closers.push(() => {
      unsubscribe();
      state.off('vm-changed', persistSoon);
      if (persistTimer) clearTimeout(persistTimer);
    });
    let stopped = false;
    return {
      dir: paths.dir,
      kubeconfigPath: paths.kubeconfig,
      proxmoxEnvPath: paths.proxmoxEnv,
      kube: { url: kube.url, store, traffic: kube.traffic },
      proxmox: { url: proxmox.url, state, tokenId: apiToken.id, tokenSecret: apiToken.secret, traffic: proxmox.traffic },
      caPem: tls.caPem,
      caPath: paths.ca,
      faults,
      ...(etcd ? { etcd } : {}),
      settle: () => controllers.syncNow(),
      controllerRuns: controllers.runs,
      async stop() {
        if (stopped) return;
        stopped = true;
        controllers.stop();
        faults.dispose();
        await proxmox.close();
        await kube.close();
        // After the servers (no write can slip in) and before the Proxmox task timers are
        // disposed (fromJSON finishes tasks still running).
        persist();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

