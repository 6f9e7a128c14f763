// Ctrl-C in the middle of a suite leaves nothing behind: no container, no process (servers, captures, the
// namespace holder), hence no namespace either. The run is interrupted the way a terminal does it: SIGINT to
// its whole process group, while the guide's HTTP server runs in its host.
import { execFileSync } from 'node:child_process';
import { expect, inject, test } from 'vitest';
import { LABEL_OWNER, ownerOf } from '../src/hosts/run-labels.ts';
import { waitUntil } from '../src/wait.ts';
import { startNestedRun } from './nested-run.ts';
import { descendants, stillRunning } from './process-tree.ts';

const containersOf = (owner: string) =>
  execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${LABEL_OWNER}=${owner}`], { encoding: 'utf8' }).split('\n').filter(Boolean);

test('SIGINT to a run mid-suite leaves no container and no process behind', async () => {
  const { backend } = inject('harness');
  const run = startNestedRun(['suites/04-inbound-access.test.ts'], { NETNS_HOST: backend });
  const pid = run.subprocess.pid!;
  const tree = await waitUntil(
    async () => {
      if (run.ended()) throw new Error(`the run ended before it could be interrupted:\n${(await run.subprocess).all}`);
      return descendants(pid);
    },
    (procs) => procs.some((proc) => proc.cmdline.includes('http.server')),
    { what: 'the interrupted run to start its HTTP server', deadlineMs: 90_000, intervalMs: 100 },
  );
  if (backend === 'container') expect(containersOf(ownerOf(pid))).toHaveLength(1);

  process.kill(-pid, 'SIGINT');
  const result = await run.subprocess;
  expect(result.exitCode, result.all).not.toBe(0);

  const left = await waitUntil(async () => stillRunning(tree), (procs) => procs.length === 0, {
    what: "the interrupted run's processes to end",
    deadlineMs: 10_000,
  });
  expect(left).toEqual([]);
  if (backend === 'container') expect(containersOf(ownerOf(pid))).toEqual([]);
}, 120_000);
