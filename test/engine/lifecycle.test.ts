// The engine's lifecycle as a specification (Pulumi-style): what runs, in which order, what is
// undone, what the journal says, and which exit code comes out.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { readJournal } from '../../src/engine/journal.js';
import { log, resetLog, run, tempDir } from './harness.js';

const HEAD = 'apiVersion: runbook.dev/v1\nname: t\ndescription: test\n';

beforeEach(resetLog);

describe('engine lifecycle', () => {
  it('applies steps in dependency order and succeeds', async () => {
    const out = await run(`${HEAD}steps:
  - { id: c, uses: test.record, with: { name: c }, needs: [b] }
  - { id: a, uses: test.record, with: { name: a } }
  - { id: b, uses: test.record, with: { name: b }, needs: [a] }
`);
    expect(out.status).toBe('succeeded');
    expect(out.exitCode).toBe(EXIT.ok);
    expect(log).toEqual(['+a', '+b', '+c']);
  });

  it('a failure at step N rolls back N-1..1 in reverse completion order', async () => {
    const out = await run(`${HEAD}steps:
  - { id: s1, uses: test.record, with: { name: s1 } }
  - { id: s2, uses: test.record, with: { name: s2 }, needs: [s1] }
  - { id: s3, uses: test.record, with: { name: s3 }, needs: [s2] }
  - { id: s4, uses: test.fail, with: { id: s4 }, needs: [s3] }
  - { id: s5, uses: test.record, with: { name: s5 }, needs: [s4] }
`);
    expect(out.status).toBe('rolled-back');
    expect(out.exitCode).toBe(EXIT.stepFailed);
    expect(out.message).toContain('boom s4');
    expect(log).toEqual(['+s1', '+s2', '+s3', '-s3', '-s2', '-s1']);
    const records = await readJournal(out.journalPath.replace(/\/runs\/.*$/, ''), out.runId);
    expect(records.filter((r) => r.t === 'step-rolled-back').map((r) => (r as { key: string }).key)).toEqual(['s3', 's2', 's1']);
    expect(records.at(-1)).toMatchObject({ t: 'run-finished', status: 'rolled-back', exitCode: 1 });
  });

  it('retries with backoff, then succeeds', async () => {
    const retries: number[] = [];
    const out = await run(
      `${HEAD}steps:
  - { id: flaky, uses: test.fail, with: { id: flaky, times: 2 }, retry: { attempts: 3, backoff: 10ms, factor: 2 } }
`,
      { observer: { stepRetrying: (_i, attempt, _e, delay) => retries.push(attempt, delay) } },
    );
    expect(out.status).toBe('succeeded');
    expect(retries).toEqual([2, 10, 3, 20]);
    expect(log).toEqual(['+flaky']);
  });

  it('gives up after the last attempt', async () => {
    const out = await run(`${HEAD}steps:
  - { id: a, uses: test.record, with: { name: a } }
  - { id: flaky, uses: test.fail, with: { id: flaky, times: 5 }, retry: { attempts: 2, backoff: 1ms }, needs: [a] }
`);
    expect(out.status).toBe('rolled-back');
    expect(out.message).toContain('boom flaky #2');
    expect(log).toEqual(['+a', '-a']);
  });

  it('a step that overruns its timeout fails, even if it ignores the abort signal', async () => {
    const out = await run(`${HEAD}steps:
  - { id: a, uses: test.record, with: { name: a } }
  - { id: stuck, uses: test.slow, with: { ms: 2000, ignoreSignal: true }, timeout: 50ms, needs: [a] }
`);
    expect(out.status).toBe('rolled-back');
    expect(out.message).toMatch(/timed out after 50 ms/);
    expect(log).toEqual(['+a', '-a']);
  });

  it('continueOnError records the failure and carries on', async () => {
    const out = await run(`${HEAD}steps:
  - { id: bad, uses: test.fail, with: { id: bad }, continueOnError: true }
  - { id: after, uses: test.record, with: { name: after }, needs: [bad] }
`);
    expect(out.status).toBe('succeeded');
    expect(log).toEqual(['+after']);
  });

  it('skips a step whose when: is false and still runs its dependents', async () => {
    const out = await run(`${HEAD}params:
  enabled: { type: bool, default: false, description: toggle }
steps:
  - { id: maybe, uses: test.record, with: { name: maybe }, when: "params.enabled" }
  - { id: after, uses: test.record, with: { name: after }, needs: [maybe] }
`);
    expect(out.status).toBe('succeeded');
    expect(log).toEqual(['+after']);
  });

  it('fans out over a step output in serial batches, with a gate between batches', async () => {
    const started: string[] = [];
    const out = await run(
      `${HEAD}steps:
  - { id: nodes, uses: test.list, with: { items: [n1, n2, n3] } }
  - id: each
    uses: test.record
    needs: [nodes]
    forEach: "steps.nodes.outputs.items"
    serial: 1
    gate: { uses: test.record, with: { name: gate } }
    with: { name: "\${{ item }}" }
`,
      { observer: { stepStarted: (i) => started.push(i.key) } },
    );
    expect(out.status).toBe('succeeded');
    expect(log).toEqual(['+n1', '+gate', '+n2', '+gate', '+n3']);
    expect(started).toEqual(['nodes', 'each[n1]', 'each:gate-1', 'each[n2]', 'each:gate-2', 'each[n3]']);
  });

  it('a failing gate stops the rollout and rolls back what was applied', async () => {
    const out = await run(`${HEAD}params:
  nodes: { type: list, default: [n1, n2], description: nodes }
steps:
  - id: each
    uses: test.record
    forEach: "params.nodes"
    serial: 1
    gate: { uses: test.fail, with: { id: gate } }
    with: { name: "\${{ item }}" }
`);
    expect(out.status).toBe('rolled-back');
    expect(out.message).toContain('gate after batch 1');
    expect(log).toEqual(['+n1', '-n1']);
  });

  it('declining a destructive step stops the run, keeps what was done, exit 4', async () => {
    const asked: string[] = [];
    const out = await run(
      `${HEAD}steps:
  - { id: safe, uses: test.record, with: { name: safe } }
  - { id: danger, uses: test.record, with: { name: danger, destructive: true }, needs: [safe], confirm: "Really delete it?" }
`,
      {
        yes: false,
        interactive: true,
        confirm: async (req) => {
          asked.push(req.message);
          return false;
        },
      },
    );
    expect(asked).toEqual(['Really delete it?']);
    expect(out.status).toBe('declined');
    expect(out.exitCode).toBe(EXIT.declined);
    expect(log).toEqual(['+safe']);
  });

  it('confirmation messages are interpolated per fan-out item', async () => {
    const asked: string[] = [];
    await run(
      `${HEAD}params:
  nodes: { type: list, default: [n1, n2], description: nodes }
steps:
  - id: each
    uses: test.record
    forEach: params.nodes
    serial: 1
    confirm: "Reboot \${{ item }} of \${{ join(params.nodes, '+') }}?"
    with: { name: "\${{ item }}" }
`,
      { yes: false, interactive: true, confirm: async (req) => (asked.push(req.message), true) },
    );
    expect(asked).toEqual(['Reboot n1 of n1+n2?', 'Reboot n2 of n1+n2?']);
    expect(log).toEqual(['+n1', '+n2']);
  });

  it('with no terminal and no --yes, a run needing confirmation refuses before changing anything', async () => {
    let asked = false;
    const out = await run(`${HEAD}steps:
  - { id: safe, uses: test.record, with: { name: safe } }
  - { id: danger, uses: test.record, with: { name: danger, destructive: true }, needs: [safe] }
`, {
      yes: false,
      interactive: false,
      confirm: async () => {
        asked = true;
        return true;
      },
    });
    expect(asked).toBe(false);
    expect(out.status).toBe('declined');
    expect(out.exitCode).toBe(EXIT.declined);
    expect(out.message).toMatch(/--yes/);
    expect(log).toEqual([]);
  });

  it('an interrupt (SIGINT -> abort) stops new steps and rolls back when asked to', async () => {
    const controller = new AbortController();
    const out = await run(
      `${HEAD}steps:
  - { id: a, uses: test.record, with: { name: a } }
  - { id: wait, uses: test.slow, with: { ms: 5000 }, needs: [a] }
  - { id: never, uses: test.record, with: { name: never }, needs: [wait] }
`,
      {
        signal: controller.signal,
        observer: { stepStarted: (i) => i.key === 'wait' && setTimeout(() => controller.abort(), 20) },
        onInterrupt: async () => 'rollback',
      },
    );
    expect(out.status).toBe('rolled-back');
    expect(out.exitCode).toBe(EXIT.interrupted);
    expect(log).toEqual(['+a', '-a']);
  });

  it('an interrupt with keep leaves applied steps for resume, exit 130', async () => {
    const controller = new AbortController();
    const out = await run(
      `${HEAD}steps:
  - { id: a, uses: test.record, with: { name: a } }
  - { id: wait, uses: test.slow, with: { ms: 5000 }, needs: [a] }
`,
      { signal: controller.signal, observer: { stepStarted: (i) => i.key === 'wait' && setTimeout(() => controller.abort(), 20) }, onInterrupt: async () => 'keep' },
    );
    expect(out.status).toBe('interrupted');
    expect(out.exitCode).toBe(EXIT.interrupted);
    expect(log).toEqual(['+a']);
  });

  it('a failing rollback is reported with exit 5 and the other steps are still undone', async () => {
    const out = await run(`${HEAD}steps:
  - { id: a, uses: test.record, with: { name: a } }
  - { id: b, uses: test.broken-rollback, with: { name: b }, needs: [a] }
  - { id: c, uses: test.fail, with: { id: c }, needs: [b] }
`);
    expect(out.status).toBe('rollback-incomplete');
    expect(out.exitCode).toBe(EXIT.rollbackIncomplete);
    expect(out.rollback?.failures.map((f) => [f.key, f.error.message])).toEqual([['b', 'rollback exploded']]);
    expect(log).toEqual(['+a', '+b', '-a']);
  });

  it('preflight failure changes nothing, exit 3', async () => {
    const out = await run(`${HEAD}params:
  node: { type: string, default: k3s-server-0, description: node }
preflight:
  - { id: not-a-server, uses: core.assert, with: { that: "\${{ !startsWith(params.node, 'k3s-server') }}", message: "refuses control-plane nodes" } }
steps:
  - { id: a, uses: test.record, with: { name: a } }
`);
    expect(out.status).toBe('preflight-failed');
    expect(out.exitCode).toBe(EXIT.preflightFailed);
    expect(out.preflight.results).toEqual([{ ok: false, message: 'refuses control-plane nodes', source: 'preflight.not-a-server' }]);
    expect(log).toEqual([]);
  });

  it('journals every step with undo data, fsynced, and never a secret', async () => {
    const stateDir = tempDir();
    const out = await run(
      `${HEAD}params:
  api-token: { type: string, default: s3cr3t-value, description: a secret }
steps:
  - { id: a, uses: test.record, with: { name: a } }
`,
      { stateDir, params: { 'api-token': 's3cr3t-value' }, secretParams: new Set(['api-token']) },
    );
    const text = readFileSync(out.journalPath, 'utf8');
    expect(text).not.toContain('s3cr3t-value');
    const kinds = text.trim().split('\n').map((l) => JSON.parse(l).t);
    expect(kinds).toEqual(['run-started', 'preflight', 'plan', 'step-started', 'step-applied', 'step-succeeded', 'run-finished']);
    expect(JSON.parse(text.split('\n')[4]!)).toMatchObject({ t: 'step-applied', key: 'a', undo: { name: 'a' } });
  });

  it('never journals the value of a param declared secret, even where a step uses it under another key', async () => {
    // `unlock` does not look like a secret by its name: only secretParams says it is one.
    const stateDir = tempDir();
    const out = await run(
      `${HEAD}params:
  unlock: { type: string, description: a passphrase }
steps:
  - { id: a, uses: test.record, with: { name: "vault-\${{ params.unlock }}" } }
`,
      { stateDir, params: { unlock: 'hunter2-xyz' }, secretParams: new Set(['unlock']) },
    );
    expect(out.status).toBe('succeeded');
    expect(log).toEqual(['+vault-hunter2-xyz']); // the step itself got the real value
    const text = readFileSync(out.journalPath, 'utf8');
    expect(text).not.toContain('hunter2-xyz');
    const records = text.trim().split('\n').map((l) => JSON.parse(l) as { t: string; params?: unknown; undo?: unknown; outputs?: unknown });
    expect(records.find((r) => r.t === 'run-started')?.params).toEqual({ unlock: '<redacted>' });
    expect(records.find((r) => r.t === 'step-applied')).toMatchObject({ undo: { name: 'vault-<redacted>' }, outputs: { name: 'vault-<redacted>' } });
  });
});
