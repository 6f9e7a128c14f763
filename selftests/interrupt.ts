// The two halves of every interrupt self-test: wait until a run has started what it must be stopped during
// (names in its process tree), then, once the signal has ended it, see that nothing of it still runs.
import { expect } from 'vitest';
import { waitUntil } from '../src/wait.ts';
import { carrying, runProcesses, stillRunning, type Proc } from './process-tree.ts';

/**
 * The run's processes once each name shows in its tree. ended/output: the run ended first (it is then never
 * interrupted, and says why).
 */
export function whenRunning(
  pid: number,
  running: readonly string[],
  ended: () => boolean,
  output: () => Promise<string>,
): Promise<Proc[]> {
  return waitUntil(
    async () => {
      if (ended()) throw new Error(`the run ended before it could be interrupted:\n${await output()}`);
      return runProcesses(pid);
    },
    (procs) => running.every((name) => procs.some((proc) => proc.cmdline.includes(name))),
    { what: `the interrupted run to start ${running.join(' and ')}`, deadlineMs: 90_000, intervalMs: 10 },
  );
}

/**
 * What was running at the signal, and anything of the run's started since (found by the `marker` entry of its
 * environment, also when its parent died first and it was reparented), has ended.
 */
export async function expectNothingRunning(tree: readonly Proc[], marker: string): Promise<void> {
  const left = await waitUntil(
    async () => [...stillRunning(tree), ...carrying(marker)],
    (procs) => procs.length === 0,
    { what: "the interrupted run's processes to end", deadlineMs: 10_000 },
  );
  expect(left).toEqual([]);
}
