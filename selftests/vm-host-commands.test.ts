// A VM host is a host like the others (exit status, output, stdin, deadline, background processes), boots the
// kernel asked for, and leaves no qemu when stopped. Needs a kernel in the cache (`npm run kernels -- 6.1`; CI
// fetches one); without one it skips, saying so. (vm-hosts-leave-nothing.test.ts: whole runs with VM hosts; two
// files, so that this boot and those runs go side by side, each a VM at a time.)
import { describe, expect, test } from 'vitest';
import { startHost } from '../src/hosts/start-host.ts';
import { NESTED_RUN_TIMEOUT_MS } from './nested-run.ts';
import { processTable, stillRunning } from './process-tree.ts';
import { cannotBoot as cannot, vmBootImage, vmKernel as kernel } from './vm-kernel.ts';

describe('a VM host', () => {
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
        // the kernel's own ELF where it was built for PVH (all of Debian's are): no decompressor run under TCG
        expect(qemu[0]!.cmdline).toContain(vmBootImage);
        expect(vmBootImage).toMatch(/\/vmlinux[^/]*$/);
        expect((await host.exec(['uname', '-r'])).stdout.trim()).toBe(kernel.release);
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
});
