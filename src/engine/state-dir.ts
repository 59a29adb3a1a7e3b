// Where runs are journaled: $RUNBOOK_STATE_DIR, else $XDG_STATE_HOME/runbook, else ~/.local/state/runbook
// (the XDG Base Directory spec's default for state data).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function resolveStateDir(env: Record<string, string | undefined>, flag?: string): string {
  if (flag) return flag;
  if (env.RUNBOOK_STATE_DIR) return env.RUNBOOK_STATE_DIR;
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME ?? homedir(), '.local', 'state'), 'runbook');
}

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}
