// What `runbook schedule --emit cronjob` writes: a CronJob that runs one runbook unattended,
// with its own ServiceAccount bound to exactly the permissions that runbook's steps declare.
// Safe defaults: no overlapping runs, bounded history and run time, non-root, read-only root
// filesystem, no privilege escalation, memory limits set (the incident's lesson). The output
// stands alone: its Namespace comes first, and the journal and reports live on a
// PersistentVolumeClaim, so `runbook history/show/rollback --state-dir` can read a scheduled run.
import type { KubeObject } from '../adapters/ports.js';
import type { RunbookPermissions } from '../rbac/derive.js';
import { clusterRole } from '../rbac/render.js';

interface CronJobOptions {
  runbook: string;
  cron: string;
  namespace: string;
  image: string;
  /** Runbook params as CLI flags, e.g. ['--fix', 'safe']. */
  args: string[];
  /** Secret with PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET (and PROXMOX_CA...). */
  proxmoxSecret?: string;
  permissions: RunbookPermissions;
  /** An existing claim for the journal and reports; without it the output creates one. */
  statePvc?: string;
}

/** Where the container keeps its journal and reports (the claim is mounted here). */
export const STATE_DIR = '/var/lib/runbook';
/** The image's non-root user (scripts/build-image.sh writes it into /etc/passwd). */
const RUNBOOK_UID = 65532;

export function cronJobManifests(o: CronJobOptions): KubeObject[] {
  const name = `runbook-${o.runbook}`;
  const labels = { 'app.kubernetes.io/name': 'runbook', 'app.kubernetes.io/instance': o.runbook };
  const meta = { name, namespace: o.namespace, labels };
  const claim = o.statePvc ?? `${name}-state`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta },
    clusterRole(name, o.permissions, labels),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: o.namespace }],
    },
    ...(o.statePvc
      ? []
      : [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: o.namespace, labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]),
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta,
      spec: {
        schedule: o.cron,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 5,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: name,
                restartPolicy: 'Never',
                // fsGroup: the claim's volume is root's until the kubelet hands it to this group.
                securityContext: { runAsNonRoot: true, runAsUser: RUNBOOK_UID, runAsGroup: RUNBOOK_UID, fsGroup: RUNBOOK_UID, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'runbook',
                    image: o.image,
                    args: ['run', o.runbook, '--yes', '--output', 'json', ...o.args],
                    env: [{ name: 'RUNBOOK_STATE_DIR', value: STATE_DIR }, { name: 'CI', value: 'true' }],
                    ...(o.proxmoxSecret ? { envFrom: [{ secretRef: { name: o.proxmoxSecret } }] } : {}),
                    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                    // The root file system is read-only: /tmp is a small emptyDir.
                    volumeMounts: [{ name: 'state', mountPath: STATE_DIR }, { name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [{ name: 'state', persistentVolumeClaim: { claimName: claim } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
              },
            },
          },
        },
      },
    },
  ];
}

interface SystemdOptions {
  runbook: string;
  onCalendar: string;
  args: string[];
  /** Absolute path of the runbook binary. */
  bin: string;
  envFile?: string;
}

/** A oneshot service + timer: Persistent=true catches up a run missed while the machine was off. */
export function systemdUnits(o: SystemdOptions): { service: string; timer: string } {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/(["\\$`])/g, '\\$1')}"`);
  const service = `[Unit]
Description=runbook ${o.runbook} (scheduled)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${[o.bin, 'run', o.runbook, '--yes', '--output', 'json', ...o.args].map(quote).join(' ')}
${o.envFile ? `EnvironmentFile=${o.envFile}\n` : ''}Environment=CI=true
StateDirectory=runbook
Environment=RUNBOOK_STATE_DIR=%S/runbook
DynamicUser=yes
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
MemoryMax=256M
`;
  const timer = `[Unit]
Description=Run runbook ${o.runbook} on a schedule

[Timer]
OnCalendar=${o.onCalendar}
Persistent=true
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
`;
  return { service, timer };
}
