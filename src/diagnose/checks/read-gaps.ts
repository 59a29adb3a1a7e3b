// read.gaps: what could not be read. A resource type the cluster does not have (no Flux CRDs)
// is information; a list the API server refused and a Proxmox read that failed are warnings:
// the checks are silent about what they could not see, and silence must not look like health
// (a hygiene run with too few permissions fails instead of passing blind).
import type { Check, Finding } from '../types.js';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Why, without the "what" the title already says, cut for a table row. */
function reasonOf(error: string, what: string): string {
  const reason = error.slice(what.length).replace(/^: /, '').replace(/^(list|read) [^:]+: /, '');
  return reason.length > 90 ? `${reason.slice(0, 89)}…` : reason;
}

export const readGaps: Check = ({ snap }) => {
  const out: Finding[] = snap.unavailable.map((what) => ({
    id: `unlisted:${slug(what)}`,
    check: 'read.kube',
    severity: 'info' as const,
    title: `Could not list ${what}: its checks were skipped`,
    objects: [],
    evidence: [what],
    lesson: 'A check that cannot read its data proves nothing: install what it needs or grant the permission, then diagnose again.',
  }));
  for (const refusal of snap.forbidden ?? []) {
    const resource = /cannot list resource "([^"]+)"/.exec(refusal)?.[1] ?? slug(refusal);
    out.push({
      id: `forbidden:${slug(resource)}`,
      check: 'read.kube',
      severity: 'warning',
      // The server's own words name the user, the verb and the resource.
      title: `Not allowed to read, its checks were skipped: ${refusal}`,
      objects: [],
      evidence: [refusal],
      lesson: 'A check that cannot read its data proves nothing: grant what `runbook rbac cluster-hygiene` prints, then diagnose again.',
    });
  }
  for (const e of snap.proxmox?.errors ?? []) {
    const what = e.split(':')[0] ?? e;
    out.push({
      id: `proxmox-unreadable:${slug(what)}`,
      check: 'read.proxmox',
      severity: 'warning',
      // The table shows titles only: the reason goes in it, not just in the evidence below.
      title: `Proxmox: could not read ${what.replace(/^(list|read) /, '')}: ${reasonOf(e, what)}`,
      objects: [],
      evidence: [e],
      lesson: 'A check that cannot read its data proves nothing: fix access (token, privileges, reachability) and diagnose again.',
    });
  }
  return out;
};
