// The engine's side of one approval per plan: a whole-plan approval covers every planned
// instance (no question per step), step by step asks each item with its own text and changes
// only, and "no" changes nothing. The terminal side is test/cli/plan-approval-pty.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalRequest, PlanAnswer } from '../../src/engine/approval.js';
import type { ConfirmRequest } from '../../src/engine/events.js';
import { log, resetLog, run } from './harness.js';

const RUNBOOK = `apiVersion: runbook.dev/v1
name: t
description: test
params:
  nodes: { type: list, default: [n1, n2, n3], description: nodes }
steps:
  - id: roll
    forEach: params.nodes
    confirm: Reboot \${{ item }}?
    uses: test.record
    with: { name: "\${{ item }}", destructive: true }
`;

beforeEach(resetLog);

async function runAnswering(answer: PlanAnswer) {
  const asked: ConfirmRequest[] = [];
  const approvals: ApprovalRequest[] = [];
  const out = await run(RUNBOOK, {
    yes: false,
    interactive: true,
    approve: async (r) => {
      approvals.push(r);
      return answer;
    },
    confirm: async (r) => {
      asked.push(r);
      return true;
    },
  });
  return { out, asked, approvals };
}

describe('one approval per plan', () => {
  it('the whole plan, approved once, runs every item without another question', async () => {
    const { out, asked, approvals } = await runAnswering('all');
    expect(out.status).toBe('succeeded');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.needs).toEqual(['roll[n1]', 'roll[n2]', 'roll[n3]']);
    expect(approvals[0]!.planDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(asked).toEqual([]);
    expect([...log].sort()).toEqual(['+n1', '+n2', '+n3']); // the items run in parallel
  });

  it('step by step: each item is asked with its own text and its own changes only', async () => {
    const { out, asked } = await runAnswering('each');
    expect(out.status).toBe('succeeded');
    // Each question names its own item and that item's planned change, nothing of the others.
    const byItem = asked.map((r) => [r.message, r.changes.map((c) => c.target)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byItem).toEqual([['Reboot n1?', ['thing/n1']], ['Reboot n2?', ['thing/n2']], ['Reboot n3?', ['thing/n3']]]);
  });

  it('no: declined (exit 4), nothing applied, nothing asked', async () => {
    const { out, asked } = await runAnswering('no');
    expect(out).toMatchObject({ status: 'declined', exitCode: 4, message: 'declined the plan; nothing was changed' });
    expect(asked).toEqual([]);
    expect(log).toEqual([]);
  });
});
