// The lab API server's object shapes, below the store and every helper it uses (so none of
// them imports the store back), and the narrow slice of the store that seeding helpers write through.

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>;
    annotations?: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string; creationTimestamp?: string;
    ownerReferences?: unknown[]; generation?: number; [k: string]: unknown;
  };
  [k: string]: unknown;
}
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
/** `oldObject` (the state before a MODIFIED/DELETED) lets watches with selectors emit the right type. */
export interface StoreEvent { type: WatchEventType; object: KubeObject; oldObject?: KubeObject }
export interface KubeStoreSnapshot { resourceVersion: number; objects: KubeObject[] }

/** What the cluster defaults and the event recorder need of the store. */
export interface ObjectWriter {
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, opts?: { namespace?: string; fieldSelector?: string }): KubeObject[];
  create(obj: KubeObject): KubeObject;
  mutate(apiVersion: string, kind: string, name: string, namespace: string | undefined, fn: (o: KubeObject) => void): KubeObject;
}
