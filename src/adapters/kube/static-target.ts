// Where the plain reader sends its requests and with what credentials: read from a kubeconfig
// (static-kubeconfig.ts) or from the pod's service account (service-account.ts).
export interface StaticKubeTarget {
  server: string;
  /** What node:https needs to verify the server and present the client certificate. */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string; rejectUnauthorized?: false };
  token?: string;
  /** A bearer token read from this file for every request (the in-cluster service account's). */
  tokenFile?: string;
}
