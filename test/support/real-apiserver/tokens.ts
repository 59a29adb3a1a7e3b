// The static token file (--token-auth-file): one admin in system:masters, and spare users with
// no groups beyond system:authenticated (added by the apiserver to every authenticated user)
// and therefore no permissions until a test binds a role to them.
// Format (kube-apiserver docs, "Static Token File"): token,user,uid,"group1,group2"
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

export interface TokenUser {
  user: string;
  token: string;
}

export interface Tokens {
  admin: TokenUser;
  spare: TokenUser[];
}

export const SPARE_USER_COUNT = 8;

function newToken(): string {
  return randomBytes(24).toString('hex');
}

export function makeTokens(spareCount = SPARE_USER_COUNT): Tokens {
  return {
    admin: { user: 'admin', token: newToken() },
    spare: Array.from({ length: spareCount }, (_, i) => ({ user: `rbac-user-${i + 1}`, token: newToken() })),
  };
}

export function tokenFileText(tokens: Tokens): string {
  const lines = [`${tokens.admin.token},${tokens.admin.user},uid-${tokens.admin.user},"system:masters"`];
  for (const t of tokens.spare) lines.push(`${t.token},${t.user},uid-${t.user}`);
  return lines.join('\n') + '\n';
}

export async function writeTokenFile(path: string, tokens: Tokens): Promise<void> {
  await writeFile(path, tokenFileText(tokens), { mode: 0o600 });
}
