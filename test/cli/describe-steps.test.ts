// `runbook describe --steps`: every step type of the library with its with: fields, their types
// and defaults, read from each step's own schema (the same the validator uses).
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../steps/index.js';
import { runMain } from '../support/in-process.js';

describe('runbook describe --steps', () => {
  it('lists every step type with its fields, types, defaults and what is destructive', async () => {
    const r = await runMain(['describe', '--steps']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const type of builtinRegistry().types()) expect(r.stdout).toMatch(new RegExp(`^${type.replace('.', '\\.')}\\b`, 'm'));
    const drain = r.stdout.slice(r.stdout.indexOf('k8s.drain'), r.stdout.indexOf('\n\n', r.stdout.indexOf('k8s.drain')));
    expect(drain).toMatch(/^k8s\.drain {2}\[destructive: asks for confirmation\]/);
    expect(drain).toMatch(/node +string \(required\)/);
    expect(drain).toMatch(/timeout +duration \(default 5m\)/);
    expect(drain).toMatch(/deleteEmptyDirData +boolean \(default false\)/);
  });

  it('gives the same as JSON', async () => {
    const r = await runMain(['describe', '--steps', '--output', 'json']);
    const steps = JSON.parse(r.stdout) as Array<{ type: string; fields: Array<{ name: string; type: string; required: boolean; default?: unknown }> }>;
    expect(steps.map((s) => s.type)).toEqual(builtinRegistry().types());
    expect(steps.find((s) => s.type === 'proxmox.set-memory')!.fields).toContainEqual({ name: 'memory', type: 'int >= 512', required: true });
  });

  it('describe NAME names each param as run NAME takes it: a bool on by default as --no-NAME', async () => {
    const r = await runMain(['describe', 'purge-dead-node']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}--node <string> \(required\): the dead Kubernetes node$/m);
    expect(r.stdout).toMatch(/^ {2}--no-check-vm: turn off \(on by default\): also require that the node's VM is not running/m);
    expect(r.stdout).toMatch(/^ {2}--vm-gone: you know the node's VM was deleted/m);
    expect(r.stdout).not.toMatch(/--check-vm <bool>/);
  });

  it('without a runbook and without --steps says what to do (exit 2, no stack)', async () => {
    const r = await runMain(['describe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/which runbook\?/);
    expect(r.stderr).toMatch(/runbook describe --steps/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
