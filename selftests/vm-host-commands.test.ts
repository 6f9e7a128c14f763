// A VM host is a host like the others (exit status, output, stdin, deadline, background processes), boots the
// kernel asked for, and leaves no qemu when stopped. Needs a kernel in the cache (`npm run kernels -- 6.1`; CI
// fetches one); without one it skips, saying so. (vm-hosts-leave-nothing.test.ts: whole runs with VM hosts; two
// files, so that these boots and those runs go side by side, each a VM at a time.)
// The cells of one kernel are judged in one VM, each in a room of its own (vm-pool.ts): a room cannot see what the
// room before it left, while the first room sees all of it with the same reads (the twin that proves they can).
import { describe, expect, test } from 'vitest';
import type { Host } from '../src/hosts/host.ts';
import { startHost } from '../src/hosts/start-host.ts';
import { NESTED_RUN_TIMEOUT_MS } from './nested-run.ts';
import { processTable, stillRunning } from './process-tree.ts';
import { cannotBoot as cannot, vmBootImage, vmKernel as kernel } from './vm-kernel.ts';

const LEAVE = [
  'ip link add nc-left type dummy',
  'ip netns add nc-left',
  'sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1',
  'iptables-nft -t nat -A POSTROUTING -s 10.99.0.0/16 -j MASQUERADE',
  'nft add table inet nc_left',
  '(setsid sleep 600 </dev/null >/dev/null 2>&1 &)',
].join('\n');

/** what a room sees of those, read the same way in each */
async function seen(host: Host) {
  const read = async (command: string) => (await host.exec(['sh', '-c', command])).stdout.trim();
  return {
    links: (JSON.parse(await read('ip -j link show')) as Array<{ ifname: string }>).map((link) => link.ifname),
    netns: await read('ip netns list'),
    forwarding: await read('sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding'),
    masquerade: (await read('iptables-nft-save -t nat')).includes('MASQUERADE'),
    nftTables: await read('nft list tables'),
    sleeping: await read("ps -eo args | grep -c '^sleep 600' || true"),
  };
}

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

  test(
    'a room cannot see the links, namespaces, rules, sysctls or processes the room before it left',
    async ({ skip }) => {
      if (cannot) return skip(cannot);
      const first = await startHost({ backend: 'vm', kernel, vmStaysUp: true });
      const qemuPid = Number(first.name.split('-').pop());
      let second: Host | undefined;
      try {
        await first.exec(['sh', '-e', '-c', LEAVE]);
        expect(await seen(first)).toEqual({
          links: ['lo', 'nc-left'],
          netns: 'nc-left',
          forwarding: '1\n1',
          masquerade: true,
          nftTables: expect.stringContaining('table inet nc_left'),
          sleeping: '1',
        });
        await first.stop();
        second = await startHost({ backend: 'vm', kernel });
        expect(Number(second.name.split('-').pop()), 'the second room is in the same VM (one boot)').toBe(qemuPid);
        expect(second.name).not.toBe(first.name);
        expect(await seen(second)).toEqual({
          links: ['lo'],
          netns: '',
          forwarding: '0\n0',
          masquerade: false,
          nftTables: '',
          sleeping: '0',
        });
      } finally {
        await first.stop();
        await second?.stop();
      }
      // the VM went with its last room
      expect(stillRunning(processTable().filter((proc) => proc.pid === qemuPid))).toEqual([]);
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});
