// The machine's processes from /proc, to find everything a run started and check that it is gone.
import { readdirSync, readFileSync } from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  /** start time in clock ticks since boot: with the pid, tells a process from a later one that reused its pid */
  start: string;
  /** R, S, D … and Z for a zombie: ended, waiting for a parent to reap it (a PID 1 without init never does) */
  state: string;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, state: fields[0]!, ppid: Number(fields[1]), start: fields[19]!, cmdline };
  } catch {
    return undefined; // it ended while we looked
  }
}

export function processTable(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((proc): proc is Proc => proc !== undefined);
}

/** Every process below `root` (not `root` itself). */
export function descendants(root: number, table = processTable()): Proc[] {
  const below: Proc[] = [];
  let parents = new Set([root]);
  while (parents.size) {
    const children = table.filter((proc) => parents.has(proc.ppid));
    below.push(...children);
    parents = new Set(children.map((proc) => proc.pid));
  }
  return below;
}

/** Those of `procs` that still run (same pid and start time; a zombie has ended already). */
export function stillRunning(procs: readonly Proc[]): Proc[] {
  return procs.filter((proc) => {
    const now = readProc(proc.pid);
    return now?.start === proc.start && now.state !== 'Z';
  });
}

/** Processes that still run with `entry` (NAME=value) in their environment: a run's own, also once reparented. */
export function carrying(entry: string): Proc[] {
  return processTable().filter((proc) => {
    if (proc.state === 'Z') return false;
    try {
      return readFileSync(`/proc/${proc.pid}/environ`, 'utf8').split('\0').includes(entry);
    } catch {
      return false; // it ended while we looked
    }
  });
}

const cgroupOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return ''; // it ended while we looked
  }
};

/**
 * Every process of a run started by `root`: those below it, and those inside its container hosts. A container
 * host's commands run from its agent, entered once with `docker exec <id>` (a process below the run): what they
 * start lives below the engine's shim, in the container's cgroup, whose path names the id. Read from /proc only,
 * so that it can be looked at every few milliseconds.
 */
export function runProcesses(root: number): Proc[] {
  const table = processTable();
  const below = descendants(root, table);
  const ids = new Set(below.flatMap((proc) => /\bdocker exec .*?\b([0-9a-f]{64})\b/.exec(proc.cmdline)?.[1] ?? []));
  if (!ids.size) return below;
  const pids = new Set(below.map((proc) => proc.pid));
  const inside = table.filter((proc) => {
    if (pids.has(proc.pid)) return false;
    const cgroup = cgroupOf(proc.pid);
    return [...ids].some((id) => cgroup.includes(id));
  });
  return [...below, ...inside];
}
