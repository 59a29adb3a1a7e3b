// Whether a process id is alive (signal 0 probes without signalling). EPERM means it exists
// but belongs to someone else: alive all the same.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
