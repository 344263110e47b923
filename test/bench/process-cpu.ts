import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every kernel we run on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces, so fields are counted from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Pids of every running process whose command name starts with `command` (postgres backends, say). */
export function pidsOf(command: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && commandOf(entry).startsWith(command))
    .map(Number);
}

/**
 * Measures the CPU seconds each named group of processes spends while `work` runs. A group is a list of
 * pids, or a command name resolved when measuring starts and again when it ends, so backends that a pool
 * opens meanwhile are counted from zero; ones that exit meanwhile lose their last figures (pools here keep
 * their connections, so none do).
 */
export async function cpuDuring<T>(
  groups: Record<string, number[] | string>,
  work: () => Promise<T>,
): Promise<{ result: T; cpuSeconds: Record<string, number> }> {
  const resolve = (group: number[] | string) => (typeof group === 'string' ? pidsOf(group) : group);
  const before = new Map<number, number>();
  for (const group of Object.values(groups)) {
    for (const pid of resolve(group)) before.set(pid, cpuSecondsOf(pid));
  }
  const result = await work();
  const cpuSeconds: Record<string, number> = {};
  for (const [name, group] of Object.entries(groups)) {
    cpuSeconds[name] = resolve(group).reduce(
      (sum, pid) => sum + cpuSecondsOf(pid) - (before.get(pid) ?? 0),
      0,
    );
  }
  return { result, cpuSeconds };
}
