// An interrupted run leaves nothing behind: no container, no process (servers, captures, the namespace holder),
// hence no namespace either, and no temporary folder. Ctrl-C and SIGTERM as a terminal or a CI runner send them
// (to the whole process group), and SIGKILL, after which no handler of the run can act: its processes die with it
// (PR_SET_PDEATHSIG), and its containers and its folder are removed by the reapers it started. Each run is
// interrupted while the harness's HTTP server runs in its host (a run held there: a suite's server lives too
// briefly to be caught on a busy machine), and again while an implementation builds and the prober that will
// judge it waits for its probes.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { describe, expect, inject, test } from 'vitest';
import { LABEL_OWNER, ownerOf } from '../src/hosts/run-labels.ts';
import { waitUntil } from '../src/wait.ts';
import { PROBER_NAME } from '../src/probes/batch.ts';
import { RESPONDER_NAME } from '../src/probes/responder.ts';
import { RUN_TEMP_ENV, runTempDir } from '../src/run-temp.ts';
import { SLOW_BUILD, slowBuild, NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';
import { expectNothingRunning, whenRunning } from './interrupt.ts';

const containersOf = (owner: string) =>
  execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${LABEL_OWNER}=${owner}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;

/**
 * Starts a nested run, signals its process group once `running` shows in its process tree, and checks what is
 * left. Its temporary folders are made in one of this test's own, which must be empty once the run is gone.
 */
async function interruptLeavesNothing(
  signal: (typeof SIGNALS)[number],
  files: string[],
  env: Record<string, string>,
  running: readonly string[],
): Promise<void> {
  const { backend } = inject('harness');
  const temp = runTempDir('netns-conformance-interrupt-');
  try {
    const run = await startNestedRun(files, { NETNS_HOST: backend, [RUN_TEMP_ENV]: temp, ...env });
    const pid = run.subprocess.pid!;
    const tree = await whenRunning(pid, running, run.ended, async () => (await run.subprocess).all);
    if (backend === 'container') expect(containersOf(ownerOf(pid))).toHaveLength(1);

    process.kill(-pid, signal);
    const result = await run.subprocess;
    expect(result.exitCode, result.all).not.toBe(0);

    await expectNothingRunning(tree, run.marker);
    // after SIGKILL the reapers do it, a moment after the run is gone
    if (backend === 'container') {
      await waitUntil(
        async () => containersOf(ownerOf(pid)),
        (ids) => ids.length === 0,
        { what: `the containers of run ${pid} to be removed`, deadlineMs: 15_000 },
      );
    }
    await waitUntil(
      async () => readdirSync(temp),
      (left) => left.length === 0,
      { what: `the interrupted run's temporary folders in ${temp} to be removed`, deadlineMs: 15_000 },
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

describe.concurrent('an interrupted run leaves nothing behind', () => {
  test.each(SIGNALS)(
    '%s to a run while its server runs leaves no container, no process and no folder',
    async (signal) => {
      await interruptLeavesNothing(signal, ['selftests/held/responder.held.ts'], {}, [RESPONDER_NAME]);
    },
    NESTED_RUN_TIMEOUT_MS,
  );

  test.each(SIGNALS)(
    '%s while an implementation builds and its prober waits leaves no container, no process and no folder',
    async (signal) => {
      const build = slowBuild();
      try {
        // the build is still running when the signal comes: the run's end must end it too, its children with it
        await interruptLeavesNothing(signal, ['suites/conformance.test.ts'], build.env, [PROBER_NAME, SLOW_BUILD]);
      } finally {
        build.remove();
      }
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});
