// A VM host is a host like the others (exit status, output, stdin, deadline, background processes), boots the
// kernel asked for, and leaves nothing behind: no qemu after a stop, after a failed run, or after Ctrl-C or
// SIGKILL to a run mid-suite. Needs a kernel in the cache (`npm run kernels -- 6.1`; CI fetches one); without one
// it skips, saying so.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { missingTools, VM_TOOLS } from '../src/harness/backend-choice.ts';
import { startHost } from '../src/hosts/start-host.ts';
import { cachedKernel, KERNEL_CACHE, KERNEL_SERIES } from '../src/hosts/vm/kernels.ts';
import { initramfsFor } from '../src/hosts/vm/initramfs.ts';
import { runTempDir } from '../src/run-temp.ts';
import { waitUntil } from '../src/wait.ts';
import { NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';
import { descendants, processTable, stillRunning } from './process-tree.ts';

const kernel = KERNEL_SERIES.map((series) => cachedKernel(series)).find((found) => found !== undefined);
const missing = await missingTools(VM_TOOLS);
const cannot = missing.length
  ? `VM hosts need ${missing.join(', ')} (scripts/setup installs them)`
  : !kernel
    ? `no kernel in ${KERNEL_CACHE}; fetch one with npm run kernels -- 6.1`
    : undefined;
// made once per kernel on first use, and kept: made here, before the cache is compared
if (!cannot) await initramfsFor(kernel!);
const qemuOf = (pid: number) => descendants(pid).filter((proc) => proc.cmdline.startsWith('qemu-system'));
const cacheListing = () => readdirSync(KERNEL_CACHE, { recursive: true }).map(String).sort();

// one VM at a time: a guest under software emulation takes two busy threads, and four at once starved the other
// suites of the same npm test on 2 cores (a 2 s ping timed out, boots took 59 s instead of 7)
describe('VM hosts', () => {
  test(
    'run commands like any host, boot the kernel asked for, and leave no qemu when stopped',
    async ({ skip }) => {
      if (cannot) return skip(cannot);
      const host = await startHost({ backend: 'vm', kernel });
      // the host's name ends with qemu's pid (setpriv and its guard exec it)
      const qemu = processTable().filter(
        (proc) => proc.pid === Number(host.name.split('-').pop()) && proc.cmdline.startsWith('qemu-system'),
      );
      try {
        expect(qemu).toHaveLength(1);
        expect((await host.exec(['uname', '-r'])).stdout.trim()).toBe(kernel!.release);
        expect((await host.exec(['sh', '-c', 'exit 3'], { expectExit: 'any' })).exitCode).toBe(3);
        expect((await host.exec(['wc', '-c'], { stdin: 'twelve bytes' })).stdout.trim()).toBe('12');
        expect((await host.exec(['sleep', '5'], { timeoutMs: 1_000, expectExit: 'any' })).timedOut).toBe(true);
        // the guest has no network device: only lo
        expect((await host.exec(['ls', '/sys/class/net'])).stdout.split(/\s+/).filter(Boolean)).toEqual(['lo']);
        const server = await host.spawn(['sh', '-c', 'echo started >&2; exec sleep 60']);
        await server.waitForStderr('started', 'a background process in the VM');
        expect((await server.stop()).stderr).toBe('started\n');
      } finally {
        await host.stop();
      }
      expect(stillRunning(qemu)).toEqual([]);
    },
    NESTED_RUN_TIMEOUT_MS,
  ); // a hang backstop: the boot's own deadline stretches with the machine's load

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
            NETNS_KERNELS: kernel!.series,
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
            ).toEqual(Array(4).fill(expect.stringContaining('exited 7: no bridge today')));
          await waitUntil(
            async () => stillRunning(tree),
            (left) => left.length === 0,
            { what: "the run's processes to end", deadlineMs: 10_000 },
          );
          expect(
            processTable().filter(
              (proc) =>
                proc.cmdline.startsWith('qemu-system') &&
                proc.cmdline.includes(kernel!.vmlinuz) &&
                tree.some((t) => t.pid === proc.pid),
            ),
          ).toEqual([]);
          expect(cacheListing()).toEqual(cacheBefore);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      NESTED_RUN_TIMEOUT_MS,
    );
});
