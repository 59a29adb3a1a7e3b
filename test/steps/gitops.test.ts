// gitops.edit-values and gitops.commit through the engine on real temporary Git repositories
// (the real shell adapter runs git): comments kept, only changed lines in the diff, only the
// listed files committed, pushes only when asked, and rollback by `git revert`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { editYaml } from '../../steps/gitops/yaml-edit.js';
import { HEAD, adapters, outputsOf, plan, run } from './fixture.js';

const provider = adapters({});

const VALUES = `# MetalLB values (managed by Flux)
speaker:
  # FRR mode for BGP
  frr:
    enabled: true   # keep on
    resources:
      limits:
        memory: 64Mi   # too small: OOMKilled in 2025-08
  tolerations:
  - key: node-role.kubernetes.io/control-plane
    operator: Exists
  priorityClassName: "system-infrastructure"
controller:
  priorityClassName: 'system-infrastructure'
  args: [--log-level=info]
`;

const EXPECTED = `# MetalLB values (managed by Flux)
speaker:
  # FRR mode for BGP
  frr:
    enabled: true   # keep on
    resources:
      limits:
        memory: 128Mi   # too small: OOMKilled in 2025-08
      requests:
        memory: 64Mi
  tolerations:
  - key: node-role.kubernetes.io/control-plane
    operator: Exists
  priorityClassName: "infrastructure-priority"
controller:
  priorityClassName: 'infrastructure-priority'
  args: [--log-level=info]
`;

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null' } });
}

function repoWithValues(): string {
  const repo = mkdtempSync(join(tmpdir(), 'gitops-'));
  git(repo, 'init', '--quiet', '-b', 'main');
  git(repo, 'config', 'user.email', 'runbook@example.test');
  git(repo, 'config', 'user.name', 'runbook test');
  git(repo, 'config', 'commit.gpgsign', 'false');
  writeFileSync(join(repo, 'values.yaml'), VALUES);
  writeFileSync(join(repo, 'notes.txt'), 'unrelated\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'initial');
  return repo;
}

const steps = (repo: string, extra = '', commitWith = '') => `${HEAD}steps:
  - id: edit
    uses: gitops.edit-values
    with:
      repo: ${repo}
      file: values.yaml
      edits:
        - { path: speaker.frr.resources.limits.memory, value: 128Mi }
        - { path: speaker.frr.resources.requests.memory, value: 64Mi }
      rename: { from: system-infrastructure, to: infrastructure-priority }
  - id: commit
    uses: gitops.commit
    needs: [edit]
    with: { repo: ${repo}, files: [values.yaml], message: "metallb: FRR memory limit 128Mi, infrastructure-priority"${commitWith} }
${extra}`;

describe('gitops.edit-values + gitops.commit', () => {
  test('plan shows the changed lines as unified-style hunks and changes nothing', async () => {
    const repo = repoWithValues();
    const planned = await plan(steps(repo), provider);
    const changes = planned.plan.find((e) => e.key === 'edit')!.changes;
    expect(changes.map((c) => [c.summary.split(' ').slice(0, 4).join(' '), c.before, c.after])).toEqual([
      ['@@ -8,1 +8,3 @@', '-        memory: 64Mi   # too small: OOMKilled in 2025-08', '+        memory: 128Mi   # too small: OOMKilled in 2025-08\n+      requests:\n+        memory: 64Mi'],
      ['@@ -12,1 +14,1 @@', '-  priorityClassName: "system-infrastructure"', '+  priorityClassName: "infrastructure-priority"'],
      ['@@ -14,1 +16,1 @@', "-  priorityClassName: 'system-infrastructure'", "+  priorityClassName: 'infrastructure-priority'"],
    ]);
    expect(changes.map((c) => c.target)).toEqual(['file:values.yaml:8', 'file:values.yaml:12', 'file:values.yaml:14']);
    expect(changes[0]!.summary).toContain('speaker.frr.resources.limits.memory, speaker.frr.resources.requests.memory, 2x system-infrastructure -> infrastructure-priority');
    expect(readFileSync(join(repo, 'values.yaml'), 'utf8')).toBe(VALUES);
  });

  test('edits keeping comments and formatting, commits only the listed file, outputs the sha', async () => {
    const repo = repoWithValues();
    writeFileSync(join(repo, 'notes.txt'), 'a local change that must stay out of the commit\n');
    const out = await run(steps(repo), provider);
    expect(out.status).toBe('succeeded');
    expect(readFileSync(join(repo, 'values.yaml'), 'utf8')).toBe(EXPECTED);
    const sha = git(repo, 'rev-parse', 'HEAD').trim();
    expect(outputsOf(out, 'commit')).toEqual({ sha, committed: true, pushed: false });
    expect(outputsOf(out, 'edit')).toEqual({ file: 'values.yaml', changed: true, fields: ['speaker.frr.resources.limits.memory', 'speaker.frr.resources.requests.memory'], renamed: 2 });
    expect(git(repo, 'log', '--format=%s').split('\n')[0]).toBe('metallb: FRR memory limit 128Mi, infrastructure-priority');
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('values.yaml');
    expect(git(repo, 'status', '--porcelain')).toBe(' M notes.txt\n');
    // The previous text is in the journal before the file is written.
    const saved = out.journal.find((r) => r.t === 'object-saved');
    expect(saved).toMatchObject({ saved: { source: 'file', object: VALUES } });
  });

  test('a later failure reverts the commit (history kept) and restores the file', async () => {
    const repo = repoWithValues();
    const out = await run(steps(repo, '  - { id: boom, uses: test.fail, needs: [commit] }\n'), provider);
    expect(out.status).toBe('rolled-back');
    expect(out.rollback?.rolledBack).toEqual(['commit', 'edit']);
    expect(readFileSync(join(repo, 'values.yaml'), 'utf8')).toBe(VALUES);
    const subjects = git(repo, 'log', '--format=%s').trim().split('\n');
    expect(subjects).toEqual(['Revert "metallb: FRR memory limit 128Mi, infrastructure-priority"', 'metallb: FRR memory limit 128Mi, infrastructure-priority', 'initial']);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  test('an edit alone is undone by writing the previous text back', async () => {
    const repo = repoWithValues();
    const out = await run(`${HEAD}steps:
  - { id: edit, uses: gitops.edit-values, with: { repo: ${repo}, file: values.yaml, edits: [ { path: controller.resources.limits.memory, value: 96Mi } ] } }
  - { id: boom, uses: test.fail, needs: [edit] }
`, provider);
    expect(out.status).toBe('rolled-back');
    expect(readFileSync(join(repo, 'values.yaml'), 'utf8')).toBe(VALUES);
  });

  test('refuses a file with uncommitted changes and leaves it alone', async () => {
    const repo = repoWithValues();
    const dirty = `${VALUES}# a local edit nobody committed\n`;
    writeFileSync(join(repo, 'values.yaml'), dirty);
    const out = await run(steps(repo), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('values.yaml has uncommitted changes');
    expect(readFileSync(join(repo, 'values.yaml'), 'utf8')).toBe(dirty);
    expect(git(repo, 'log', '--format=%s').trim()).toBe('initial');
  });

  test('pushes only with push: true; the rollback pushes the revert', async () => {
    const repo = repoWithValues();
    const remote = mkdtempSync(join(tmpdir(), 'gitops-remote-'));
    git(remote, 'init', '--quiet', '--bare', '-b', 'main');
    git(repo, 'remote', 'add', 'origin', remote);
    git(repo, 'push', '--quiet', 'origin', 'main');
    const unpushed = await run(steps(repo), provider);
    expect(unpushed.status).toBe('succeeded');
    expect(git(remote, 'log', '--format=%s', 'main').trim()).toBe('initial');

    const repo2 = repoWithValues();
    const remote2 = mkdtempSync(join(tmpdir(), 'gitops-remote-'));
    git(remote2, 'init', '--quiet', '--bare', '-b', 'main');
    git(repo2, 'remote', 'add', 'origin', remote2);
    git(repo2, 'push', '--quiet', 'origin', 'main');
    const pushed = await run(steps(repo2, '  - { id: boom, uses: test.fail, needs: [commit] }\n', ', push: true'), provider);
    expect(pushed.status).toBe('rolled-back');
    expect(pushed.journal.find((r) => r.t === 'step-applied' && r.key === 'commit')).toMatchObject({ outputs: { pushed: true } });
    expect(git(remote2, 'log', '--format=%s', 'main').trim().split('\n')).toEqual(['Revert "metallb: FRR memory limit 128Mi, infrastructure-priority"', 'metallb: FRR memory limit 128Mi, infrastructure-priority', 'initial']);
  });

  test('an edit that is already in place changes nothing and commits nothing', async () => {
    const repo = repoWithValues();
    writeFileSync(join(repo, 'values.yaml'), EXPECTED);
    git(repo, 'commit', '--quiet', '-am', 'already fixed');
    const out = await run(steps(repo), provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'edit')).toMatchObject({ changed: false });
    expect(outputsOf(out, 'commit')).toMatchObject({ committed: false });
    expect(git(repo, 'log', '--format=%s').trim().split('\n')).toEqual(['already fixed', 'initial']);
  });
});

describe('editYaml (the text editing under gitops.edit-values)', () => {
  test('list indexes, keys with dots as a list path, and strings that would read as numbers', () => {
    const r = editYaml(VALUES, [
      { path: 'speaker.tolerations.0.operator', value: 'Equal' },
      { path: ['speaker', 'podAnnotations', 'prometheus.io/scrape'], value: 'true' },
      { path: 'controller.replicas', value: 2 },
    ]);
    expect(r.reformatted).toBe(false);
    expect(r.text).toContain('  - key: node-role.kubernetes.io/control-plane\n    operator: Equal\n');
    expect(r.text).toContain('  podAnnotations:\n    prometheus.io/scrape: "true"\n');
    expect(r.text).toContain('  replicas: 2\n');
    expect(r.text).toContain('memory: 64Mi   # too small: OOMKilled in 2025-08');
  });

  test('a flow collection goes through the YAML model: comments kept, the change reported as reformatted', () => {
    const r = editYaml(VALUES, [{ path: 'controller.args.1', value: '--metrics' }]);
    expect(r.reformatted).toBe(true);
    expect(r.text).toContain('args: [--log-level=info, --metrics]');
    expect(r.text).toContain('# FRR mode for BGP');
    expect(r.text).toContain('# too small: OOMKilled in 2025-08');
  });

  test('a multi-document file needs `document:`; only that document changes', () => {
    const multi = 'kind: A\nvalue: 1 # one\n---\nkind: B\nvalue: 1 # two\n';
    expect(() => editYaml(multi, [{ path: 'value', value: 2 }])).toThrow(/2 YAML documents/);
    expect(editYaml(multi, [{ path: 'value', value: 2 }], undefined, 1).text).toBe('kind: A\nvalue: 1 # one\n---\nkind: B\nvalue: 2 # two\n');
  });

  test('a rename changes values only, never keys', () => {
    const r = editYaml('system-infrastructure: keep\nlist:\n  - system-infrastructure\nname: system-infrastructure\n', [], { from: 'system-infrastructure', to: 'infra' });
    expect(r.text).toBe('system-infrastructure: keep\nlist:\n  - infra\nname: infra\n');
    expect(r.renamed).toBe(2);
  });
});
