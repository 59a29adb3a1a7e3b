// What `runbook schedule --emit cronjob` writes: a CronJob that runs one runbook unattended,
// with its own ServiceAccount bound to exactly the permissions that runbook's steps declare.
// Safe defaults: no overlapping runs, bounded history and run time, non-root, read-only root
// filesystem, no privilege escalation, memory limits set (the incident's lesson).
import type { KubeObject } from '../adapters/ports.js';
import type { RunbookPermissions } from '../rbac/derive.js';
import { clusterRole } from '../rbac/render.js';

export interface CronJobOptions {
  runbook: string;
  cron: string;
  namespace: string;
  image: string;
  /** Runbook params as CLI flags, e.g. ['--fix', 'safe']. */
  args: string[];
  /** Secret with PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET (and PROXMOX_CA...). */
  proxmoxSecret?: string;
  permissions: RunbookPermissions;
}

export function cronJobManifests(o: CronJobOptions): KubeObject[] {
  const name = `runbook-${o.runbook}`;
  const labels = { 'app.kubernetes.io/name': 'runbook', 'app.kubernetes.io/instance': o.runbook };
  const meta = { name, namespace: o.namespace, labels };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta },
    clusterRole(name, o.permissions, labels),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: o.namespace }],
    },
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
                securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'runbook',
                    image: o.image,
                    args: ['run', o.runbook, '--yes', '--output', 'json', ...o.args],
                    env: [{ name: 'RUNBOOK_STATE_DIR', value: '/var/lib/runbook' }, { name: 'CI', value: 'true' }],
                    ...(o.proxmoxSecret ? { envFrom: [{ secretRef: { name: o.proxmoxSecret } }] } : {}),
                    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                    volumeMounts: [{ name: 'state', mountPath: '/var/lib/runbook' }],
                  },
                ],
                volumes: [{ name: 'state', emptyDir: { sizeLimit: '64Mi' } }],
              },
            },
          },
        },
      },
    },
  ];
}

export interface SystemdOptions {
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
