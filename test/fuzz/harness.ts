// A worker thread that runs fuzz cases against dist/ with a per-case deadline: the hang
// detector (not a speed measure) behind "no case runs past 5 s". A case that hangs or crashes
// fails the property with its input; the worker is then replaced for the next case.
import { Worker } from 'node:worker_threads';
import { ROOT, assertBuildFresh } from '../support/cli.js';

export const CASE_DEADLINE_MS = 5_000;

export type Target = 'runbook' | 'expression' | 'params' | 'duration';

export class FuzzWorker {
  private worker: Worker | undefined;
  private next = 0;

  private start(): Worker {
    // The worker loads dist/: refuse a build older than the sources, as the CLI helper does.
    assertBuildFresh(ROOT);
    const w = new Worker(new URL('./target-worker.mjs', import.meta.url));
    w.unref();
    return w;
  }

  /** The target's result for `input`; throws on a crash (not a user error) or past the deadline. */
  async run<R>(target: Target, input: unknown): Promise<R> {
    const worker = (this.worker ??= this.start());
    const id = this.next++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.worker = undefined;
        void worker.terminate();
        reject(new Error(`${target} case still running after ${CASE_DEADLINE_MS} ms (a hang)`));
      }, CASE_DEADLINE_MS);
      const onMessage = (m: { id: number; result?: R; crash?: string }) => {
        if (m.id !== id) return;
        cleanup();
        if (m.crash !== undefined) reject(new Error(`${target} crashed: ${m.crash}`));
        else resolve(m.result as R);
      };
      const onError = (e: Error) => {
        cleanup();
        this.worker = undefined;
        reject(e);
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, target, input });
    });
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
