// How many times slower than a quiet machine this one runs now, to scale deadlines that guard against a hang
// (not those a probe's verdict rests on): a wait that takes 100 ms on a quiet machine took seconds at a load
// average of 20 on 2 cores. Measured from the kernel's run queue: tasks wanting a CPU, per core.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** beyond this a deadline no longer guards against anything */
const MAX_PACE = 30;

/** 1 on a quiet machine; the load average or the tasks runnable right now, per core, if that is more. */
export function machinePace(loadavg = readFileSync('/proc/loadavg', 'utf8'), cores = availableParallelism()): number {
  const [load1, , , running] = loadavg.trim().split(/\s+/);
  const runnableNow = Number(running?.split('/')[0] ?? 0) - 1; // less the process that reads it
  const pace = Math.max(1, Number(load1) / cores, runnableNow / cores);
  return Number.isFinite(pace) ? Math.min(pace, MAX_PACE) : 1;
}

/** a hang guard's deadline at this moment's pace */
export const paced = (ms: number): number => Math.round(ms * machinePace());
