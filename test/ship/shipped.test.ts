// Shipped files outside the executable: a journal written by the executable names its runbook
// `exe:runbooks/NAME.yaml`; the plain CLI (reading that journal from a CronJob's state volume)
// finds its own copy of that runbook, and reads shipped files from the package as before.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRunbook, listRunbooks, searchPath } from '../../src/cli/find-runbook.js';
import { inExecutable, readText, shippedFile, shippedNames } from '../../src/shipped.js';
import { ROOT } from '../support/cli.js';

describe('shipped files from the package', () => {
  it('are files under the package root', () => {
    expect(inExecutable).toBe(false);
    expect(shippedFile('runbooks/drain-node.yaml')).toBe(join(ROOT, 'runbooks', 'drain-node.yaml'));
    expect(shippedNames('src/lab/scenarios')).toEqual(['healthy.yaml', 'incident-2025-08.yaml']);
    expect(readText(shippedFile('package.json'))).toMatch(/"name": "runbook"/);
    expect(listRunbooks(searchPath({}, ROOT)).find((r) => r.name === 'purge-dead-node')).toEqual({ name: 'purge-dead-node', file: join(ROOT, 'runbooks', 'purge-dead-node.yaml'), origin: 'shipped' });
  });

  it("an executable's `exe:` runbook name is this installation's shipped runbook", () => {
    expect(findRunbook('exe:runbooks/cluster-hygiene.yaml', searchPath({}, '/tmp'))).toEqual({ name: 'cluster-hygiene', file: join(ROOT, 'runbooks', 'cluster-hygiene.yaml'), origin: 'shipped' });
  });
});
