// The policy of an unattended hygiene run: which proposed fixes it may run on its own.
//
//   allow:
//     - runbook: unstick-metallb
//       destructive: true        # it patches the HelmRelease: the run gets --yes
//     - runbook: purge-dead-node
//       destructive: true
//
// No policy file: nothing runs. A listed runbook without `destructive: true` runs without
// --yes, so any step needing confirmation makes it refuse before its first change (exit 4).
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { z } from '../../src/zod.js';

const schema = z.object({ allow: z.array(z.object({ runbook: z.string().min(1), destructive: z.boolean().default(false) }).strict()).default([]) }).strict();
type HygienePolicy = z.infer<typeof schema>;

export async function readPolicy(file: string): Promise<HygienePolicy> {
  if (!file) return { allow: [] };
  const parsed = schema.safeParse(load(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`policy ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
