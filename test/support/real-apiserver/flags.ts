// Command lines for etcd 3.4 and kube-apiserver v1.20, as pure functions (easy to read, easy to
// check). Everything listens on 127.0.0.1 only. v1.20 has no insecure port any more:
// --insecure-port/--port are dummy flags there (cmd/kube-apiserver/app/options/options.go).

export interface EtcdPorts {
  client: number;
  peer: number;
}

export function etcdArgs(dataDir: string, ports: EtcdPorts): string[] {
  const client = `http://127.0.0.1:${ports.client}`;
  const peer = `http://127.0.0.1:${ports.peer}`;
  return [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    '--initial-cluster-state=new',
    '--logger=zap', // 3.4's default capnslog warns that it is deprecated
    '--log-outputs=stderr',
  ];
}

export interface ApiserverFiles {
  servingCertPath: string;
  servingKeyPath: string;
  tokenFilePath: string;
  saPublicKeyPath: string;
  saPrivateKeyPath: string;
  certDir: string;
  /** Opt-in audit log (JSON lines, audit.k8s.io/v1) and the policy deciding what it records. */
  audit?: { logPath: string; policyPath: string };
}

/** The service CIDR is only configuration here: nothing routes to it. */
export const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/**
 * Admission plugins disabled. ServiceAccount: with no controller-manager there is no token
 * controller, so v1.20's plugin rejects every pod of an automounting service account ("No API
 * token found for service account ...", plugin/pkg/admission/serviceaccount/admission.go), and
 * namespaces get no `default` ServiceAccount either.
 */
export const DISABLED_ADMISSION_PLUGINS = ['ServiceAccount'] as const;

export function apiserverArgs(etcdClientPort: number, securePort: number, files: ApiserverFiles): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${securePort}`,
    `--cert-dir=${files.certDir}`,
    `--tls-cert-file=${files.servingCertPath}`,
    `--tls-private-key-file=${files.servingKeyPath}`,
    `--token-auth-file=${files.tokenFilePath}`,
    `--service-account-key-file=${files.saPublicKeyPath}`,
    `--service-account-signing-key-file=${files.saPrivateKeyPath}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    '--authorization-mode=Node,RBAC',
    // As k3s runs it (people re-enable it with --kube-apiserver-arg=anonymous-auth=true): a
    // request without credentials is 401 Unauthorized, not 403 for system:anonymous.
    '--anonymous-auth=false',
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--disable-admission-plugins=${DISABLED_ADMISSION_PLUGINS.join(',')}`,
    '--profiling=false',
    '--logtostderr=true',
    ...(files.audit ? auditArgs(files.audit) : []),
  ];
}

/**
 * Metadata level (who, verb, resource, response code; no bodies), once per request: the
 * RequestReceived stage is left out so each request is one ResponseComplete (or, for a watch,
 * also a ResponseStarted) line. Blocking mode: a line is written before the response is sent.
 */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`;

function auditArgs(audit: { logPath: string; policyPath: string }): string[] {
  return [`--audit-log-path=${audit.logPath}`, `--audit-policy-file=${audit.policyPath}`, '--audit-log-format=json', '--audit-log-mode=blocking', '--audit-log-maxbackup=0'];
}
