// gitops.commit: commit exactly the listed files (other staged or changed files stay out),
// and push only when told to (Flux then applies it to the cluster). Undo is `git revert` of
// that commit, pushed too if the commit was pushed: history is never rewritten.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { dirtyLines, git, headSha } from './git.js';
import { repoFile } from './repo-file.js';

const params = z
  .object({
    repo: z.string().min(1),
    message: z.string().min(1),
    files: z.array(z.string().min(1)).min(1),
    push: z.boolean().default(false),
    remote: z.string().min(1).default('origin'),
  })
  .strict();

interface Undo {
  repo: string;
  sha: string;
  pushed: boolean;
  remote: string;
}

export const gitopsCommit = defineStep({
  type: 'gitops.commit',
  description: 'Commits only the listed files (and pushes if push: true); undo reverts the commit.',
  params,
  outputs: z.object({ sha: z.string(), committed: z.boolean(), pushed: z.boolean() }),
  uses: ['shell'],
  destructive: (p) => p.push,
  permissions: [],
  async preflight({ params }) {
    try {
      for (const f of params.files) repoFile(params.repo, f);
      return [];
    } catch (e) {
      return [{ ok: false, message: e instanceof Error ? e.message : String(e) }];
    }
  },
  async plan({ params }) {
    return [
      { op: 'action', target: `git:${params.repo}`, summary: `commit ${params.files.join(', ')}: ${params.message.split('\n')[0]}` },
      ...(params.push ? [{ op: 'action' as const, target: `git:${params.remote}`, summary: 'push the commit (Flux applies it)' }] : []),
    ];
  },
  async apply({ params, adapters, signal, log }) {
    const { shell } = adapters;
    for (const f of params.files) repoFile(params.repo, f);
    if (!(await dirtyLines(shell, params.repo, params.files, signal)).length) {
      log('nothing to commit: the files are unchanged');
      return { outputs: { sha: await headSha(shell, params.repo, signal), committed: false, pushed: false }, undo: null };
    }
    await git(shell, params.repo, ['add', '--', ...params.files], signal);
    // A pathspec commits those paths only, whatever else is staged.
    await git(shell, params.repo, ['commit', '--quiet', '-m', params.message, '--', ...params.files], signal);
    const sha = await headSha(shell, params.repo, signal);
    const undo: Undo = { repo: params.repo, sha, pushed: false, remote: params.remote };
    if (params.push) {
      try {
        await git(shell, params.repo, ['push', '--quiet', params.remote, 'HEAD'], signal);
      } catch (e) {
        // The step fails, so no undo is recorded: take the unpushed commit back here.
        await git(shell, params.repo, ['revert', '--no-edit', sha]).catch(() => {});
        throw e;
      }
      undo.pushed = true;
    }
    return { outputs: { sha, committed: true, pushed: undo.pushed }, undo };
  },
  async rollback({ adapters, signal }, undo: Undo | null) {
    if (!undo) return;
    await git(adapters.shell, undo.repo, ['revert', '--no-edit', undo.sha], signal);
    if (undo.pushed) await git(adapters.shell, undo.repo, ['push', '--quiet', undo.remote, 'HEAD'], signal);
  },
});
