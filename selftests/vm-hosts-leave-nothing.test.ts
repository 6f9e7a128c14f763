// A run with VM hosts leaves nothing behind: no qemu and nothing new in the kernel cache after a failed run, or after
// Ctrl-C or SIGKILL to it mid-suite. Needs a kernel in the cache; without one it skips, saying so.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { propertiesIn } from '../src/properties/properties.ts';
import { KERNEL_CACHE } from '../src/hosts/vm/kernels.ts';
import { runTempDir } from '../src/run-temp.ts';
import { waitUntil } from '../src/wait.ts';
import { NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';
import { descendants, processTable, stillRunning, type Proc } from './process-tree.ts';
import { cannotBoot as cannot, vmBootImage, vmKernel as kernel } from './vm-kernel.ts';

/** the nested run judges the families this one does (NETNS_FAMILIES, or its default): four properties in each */
const checks = propertiesIn(inject('harness').families, inject('harness').properties).length;
const qemuOf = (pid: number) => descendants(pid).filter((proc) => proc.cmdline.startsWith('qemu-system'));
const cacheListing = () => readdirSync(KERNEL_CACHE, { recursive: true }).map(String).sort();
/** a file being made (made-once.ts names its staging folder by its pid) by a live process outside the run */
function stagedByAnother(entry: string, run: readonly Proc[]): boolean {
  const pid = Number(/\.staging-(\d+)-/.exec(entry)?.[1]);
  return pid > 0 && !run.some((proc) => proc.pid === pid) && processTable().some((proc) => proc.pid === pid);
}

// one run at a time: a guest under software emulation takes busy threads, and four at once starved the other
// suites of the same npm test on 2 cores (a 2 s ping timed out, boots took 59 s instead of 7)
describe('a run with VM hosts', () => {
  for (const how of ['a failed run', 'SIGINT', 'SIGKILL'] as const)
    test(
      `${how} with VM hosts leaves no qemu and nothing in the kernel cache`,
      async ({ skip }) => {
        if (cannot) return skip(cannot);
        const dir = runTempDir('netns-conformance-vm-');
        const script = join(dir, 'fails.sh');
        writeFileSync(script, 'echo "no bridge today" >&2; exit 7\n');
        const cacheBefore = cacheListing();
        try {
          const run = await startNestedRun(['suites/conformance.test.ts'], {
            NETNS_HOST: 'vm',
            NETNS_KERNELS: kernel.series,
            NETNS_FIREWALLS: 'iptables-nft',
            NETNS_IMPL: how === 'a failed run' ? `script:${script}` : 'guide',
          });
          const pid = run.subprocess.pid!;
          if (how !== 'a failed run') {
            await waitUntil(
              async () => (run.ended() ? undefined : qemuOf(pid)),
              (qemu) => qemu === undefined || qemu.length > 0,
              { what: 'the run to boot its VM', deadlineMs: 120_000, intervalMs: 200 },
            );
            expect(run.ended(), 'the run ended before it could be interrupted').toBe(false);
            process.kill(-pid, how);
          }
          const tree = descendants(pid);
          const result = await run.subprocess;
          expect(result.exitCode, result.all).not.toBe(0);
          if (how === 'a failed run')
            expect(
              run
                .tests()
                .filter((t) => t.status === 'failed')
                .map((t) => t.message),
              result.all,
            ).toEqual(Array(checks).fill(expect.stringContaining('exited 7: no bridge today')));
          await waitUntil(
            async () => stillRunning(tree),
            (left) => left.length === 0,
            { what: "the run's processes to end", deadlineMs: 10_000 },
          );
          expect(
            processTable().filter(
              (proc) =>
                proc.cmdline.startsWith('qemu-system') &&
                proc.cmdline.includes(vmBootImage) &&
                tree.some((t) => t.pid === proc.pid),
            ),
          ).toEqual([]);
          // what another live process of this npm test is making at the moment is not the nested run's
          const added = cacheListing().filter((entry) => !cacheBefore.includes(entry) && !stagedByAnother(entry, tree));
          expect(added).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      NESTED_RUN_TIMEOUT_MS,
    );
});
