// Shell adapter on zx: the only place that imports it. Commands run under `bash -euo pipefail`
// (zx's own `set -euo pipefail` prefix does not reach the nested `bash -c`, so we pass the
// options to that bash); output is captured, never inherited.
import type { ShellResult, ShellRunner } from './ports.js';

export async function createShellRunner(baseEnv: Record<string, string | undefined>): Promise<ShellRunner> {
  const { $ } = await import('zx');
  return {
    async run(command, options = {}): Promise<ShellResult> {
      const shell = $({
        cwd: options.cwd,
        env: { ...baseEnv, ...options.env },
        nothrow: true,
        quiet: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      // zx quotes interpolations; a whole command line is passed as one raw bash -c argument.
      const p = shell`bash -euo pipefail -c ${command}`;
      const out = await p;
      return { exitCode: out.exitCode ?? 1, stdout: out.stdout, stderr: out.stderr };
    },
  };
}
