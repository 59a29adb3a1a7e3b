// The incident's lessons (incident-k3s-memory-2025-08.md, Key Learnings), one sentence each,
// and the shipped runbooks findings point at.
export const LESSONS = {
  ballooning: 'Never balloon Kubernetes nodes: the scheduler needs fixed, predictable memory, and with ballooning the capacity a node reports can be completely wrong.',
  capacity: 'Kubernetes schedules against the capacity a node reports: a VM squeezed by ballooning reports a fraction of its configured memory.',
  hostOvercommit: 'Size VMs to what the Proxmox host really has: configured memory beyond the host is taken back by ballooning, from the Kubernetes nodes.',
  commitment: 'Requests over allocatable means the node cannot hold what was scheduled on it; keep requests under allocatable and limits close to it.',
  nodePressure: 'Unlimited memory containers can crash entire nodes via SystemOOM: fix the node memory first, the OOM kills are its symptoms.',
  oomKilled: 'Always set memory limits on system components like MetalLB: an unlimited container is the kernel OOM killer\'s first victim and takes the node\'s routing with it.',
  restartLoop: 'A container restarting over and over is a symptom: find what kills it (memory, a dependency) before restarting anything.',
  noLimit: 'Always set memory limits on system components: resource limits prevent cascading failures across the cluster.',
  deadNode: 'Remove dead nodes immediately: their volumes pin workloads to a machine that no longer exists.',
  notReady: 'A NotReady node whose VM still runs needs a reboot, not removal: check the VM before purging.',
  stuckTerminating: 'Stuck finalizers block cleanup: a protection finalizer waits for something that will never happen once its node is gone.',
  pending: 'Pending pods are symptoms: fix what blocks them (dead nodes holding their volumes, nodes without the memory they claim) rather than the pods.',
  helmRelease: 'Fix infrastructure first: a failed infrastructure HelmRelease blocks everything that depends on it.',
  dependencyChain: 'Fix infrastructure issues first before troubleshooting apps: Kustomizations blocked on DependencyNotReady recover once the root of their chain does.',
  reservedPriorityClass: 'PriorityClass names with the `system-` prefix are reserved by Kubernetes: rename it (e.g. infrastructure-priority) in Git.',
  etcd: 'API/etcd instability is a symptom of starved control-plane nodes: stabilise node memory, then retry what failed during it.',
  etcdQuorum: 'A dead server is still an etcd member: it counts against quorum until it is removed, so remove dead servers (their member goes with the Node) before another one fails.',
  apiUnready: 'An apiserver that is not ready makes every other reading unreliable: fix it before anything else.',
} as const;

export const RUNBOOKS = {
  purgeDeadNode: 'purge-dead-node',
  fixBallooning: 'fix-ballooning',
  unstickMetallb: 'unstick-metallb',
  drainNode: 'drain-node',
  rebootNode: 'reboot-node',
} as const;
