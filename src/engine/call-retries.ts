// The adapters' retries of one API call, made visible: journaled under the step's key (so
// `runbook show` and a post-mortem see them) and logged to the step's output as they happen.
import type { RetryNote } from '../retry-policy.js';
import type { Journal } from './journal.js';

export function journalRetries(journal: Journal, key: string, log?: (message: string) => void): (note: RetryNote) => Promise<void> {
  return async (note) => {
    log?.(`${note.error}; attempt ${note.attempt} in ${(note.delayMs / 1000).toFixed(1)} s`);
    await journal.append({ t: 'call-retried', key, ...note });
  };
}
