// `--report-prometheus FILE`: the run's metrics for node_exporter's textfile collector. Written
// to a temporary file and renamed, as that collector asks: it may read the file at any moment.
// The last successful run's time is carried over from the file's previous version.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { previousLastSuccess, prometheusReport } from './prometheus.js';
import type { PrometheusRun } from './prometheus.js';

/** `completed`: the diagnosis ran to its end (whatever it found), so this run is the last success. */
export function writePrometheusFile(file: string, run: Omit<PrometheusRun, 'lastSuccessAt'>, completed: boolean): void {
  const before = existsSync(file) ? previousLastSuccess(readFileSync(file, 'utf8'), run.runbook) : undefined;
  const lastSuccessAt = completed ? run.finishedAt : before;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, prometheusReport({ ...run, ...(lastSuccessAt ? { lastSuccessAt } : {}) }));
  renameSync(tmp, file);
}
