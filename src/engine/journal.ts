// Append-only JSONL journal, one file per run. Every record is fsync'd before the engine moves
// on, so a crash (SIGKILL, power loss) leaves a journal that rollback/resume can trust.
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { RunbookError } from '../errors.js';
import type { JournalRecord, RunStatus, RunTarget } from './journal-records.js';
import { redact, secretParamValues } from '../redact.js';
import { runsDir } from './state-dir.js';

export class Journal {
  /** Values of the run's secret params, learned from its run-started record: redacted wherever they appear. */
  private readonly secretValues: string[] = [];

  private constructor(
    readonly runId: string,
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly secretKeys: ReadonlySet<string>,
    private readonly onAppended?: (record: JournalRecord) => void,
  ) {}

  /** `onAppended` sees each record once it is on disk (the crash matrix's kill points). */
  static async create(stateDir: string, runId: string, secretKeys: ReadonlySet<string> = new Set(), onAppended?: (record: JournalRecord) => void): Promise<Journal> {
    const dir = runsDir(stateDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${runId}.jsonl`);
    // a+: read the last byte to fence a torn tail; writes still go to the end.
    const handle = await open(path, 'a+', 0o600);
    await fenceTornTail(handle);
    return new Journal(runId, path, handle, secretKeys, onAppended);
  }

  /** Appends one record and fsyncs it. */
  async append(record: JournalRecord): Promise<void> {
    if (record.t === 'run-started') this.learnSecretValues(record.params);
    const line = JSON.stringify(redact({ ...record, time: new Date().toISOString() }, this.secretKeys, this.secretValues)) + '\n';
    await this.handle.write(line);
    await this.handle.sync();
    this.onAppended?.(record);
  }

  private learnSecretValues(params: Record<string, unknown>): void {
    for (const value of secretParamValues(params, this.secretKeys)) if (!this.secretValues.includes(value)) this.secretValues.push(value);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * A crash mid-write leaves a last line without its newline. Appending to it would glue the
 * next record (a resume's run-started) onto the torn text, and reading skips that line: the
 * record would be lost. End the torn line first, so it stays skipped and alone.
 */
async function fenceTornTail(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return;
  await handle.write('\n');
  await handle.sync();
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  const rand = Math.random().toString(36).slice(2, 6);
  return `${stamp}-${rand}`;
}

export async function readJournal(stateDir: string, runId: string): Promise<JournalRecord[]> {
  if (!/^[\w.-]+$/.test(runId)) throw new RunbookError('E_RUN_ID', `"${runId}" is not a run id`, { hint: 'run ids look like 20261125-001122Z-ab12; see `runbook history`' });
  const path = join(runsDir(stateDir), `${runId}.jsonl`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new RunbookError('E_RUN_NOT_FOUND', `no run ${runId} in ${runsDir(stateDir)}`, { hint: 'list runs with `runbook history` (or pass the same --state-dir)' });
  }
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // A crash can cut the last line short: everything before it is intact (fsync'd).
    }
  }
  return records;
}

export interface RunSummary {
  runId: string;
  runbook: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  steps: number;
  /** context @ server, when the run journaled its cluster. */
  target?: RunTarget;
}

export function summarize(runId: string, records: JournalRecord[]): RunSummary {
  const start = records.find((r) => r.t === 'run-started');
  const finishes = records.filter((r) => r.t === 'run-finished');
  const last = finishes[finishes.length - 1];
  const applied = new Set(records.filter((r) => r.t === 'step-applied').map((r) => (r as { key: string }).key));
  return {
    runId,
    runbook: start && start.t === 'run-started' ? start.runbook : '?',
    // No run-finished record: the process died mid-run.
    status: last && last.t === 'run-finished' ? last.status : 'interrupted',
    startedAt: start?.time ?? '',
    ...(last?.time ? { finishedAt: last.time } : {}),
    ...(last && last.t === 'run-finished' ? { exitCode: last.exitCode } : {}),
    steps: applied.size,
    ...(start && start.t === 'run-started' && start.target ? { target: start.target } : {}),
  };
}

export async function listRuns(stateDir: string): Promise<RunSummary[]> {
  const dir = runsDir(stateDir);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out: RunSummary[] = [];
  for (const f of files) {
    const runId = f.slice(0, -'.jsonl'.length);
    const s = summarize(runId, await readJournal(stateDir, runId));
    if (!s.startedAt) s.startedAt = (await stat(join(dir, f))).mtime.toISOString();
    out.push(s);
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
