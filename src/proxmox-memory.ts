// Reading a VM's memory settings the way Proxmox defines them (qemu-server PVE/QemuServer.pm):
// `memory` in MiB; `balloon` in MiB, 0 = balloon device disabled, absent = target equals memory.
import type { ProxmoxVmConfig } from './adapters/ports.js';

export interface MemorySettings {
  memory: number;
  /** undefined: not set (device on, target = memory); 0: device off. */
  balloon: number | undefined;
}

export function memorySettings(cfg: ProxmoxVmConfig): MemorySettings {
  const raw = cfg.values.memory;
  // memory may also be "current=2048[,...]" in newer Proxmox versions.
  const memory = typeof raw === 'number' ? raw : Number(String(raw ?? '512').replace(/^current=/, '').split(',')[0]);
  const b = cfg.values.balloon;
  return { memory, balloon: b === undefined || b === '' ? undefined : Number(b) };
}

export function ballooningActive(m: MemorySettings): boolean {
  return m.balloon !== 0 && m.balloon !== undefined && m.balloon < m.memory;
}

export function describeMemory(m: MemorySettings): string {
  return `memory ${m.memory} MiB, balloon ${m.balloon === undefined ? 'default (device on)' : m.balloon === 0 ? '0 (device off)' : `${m.balloon} MiB`}`;
}
