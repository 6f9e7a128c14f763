// The netns backend: the host is a private network, mount and PID namespace made with `unshare`, held open by a
// small shell process, the first process of its PID namespace. Commands run through an agent inside it (entered
// once with nsenter): the harness's large process forks nothing per command. When that holder
// ends (the host stops, or the harness dies and its death signal reaches it), the kernel kills every process
// left in the host, however it was started: a setup script's own children too. For machines with root and no
// Docker.
import { execa } from 'execa';
import type { HostDriver } from './host.ts';
import { startAgent } from './agent/start-agent.ts';
import { dieWithHarness } from './die-with-harness.ts';
import { waitUntil, within } from '../wait.ts';

// Inside the new mount namespace (propagation private, so nothing is seen outside): a tmpfs on /run keeps
// `ip netns` mounts, the xtables lock and background files private; a fresh sysfs shows this namespace's links;
// /proc/sys, read-only when the harness itself runs in a container, is remounted writable here only (its net/
// keys are this namespace's own); resolv.conf points at lo so a stray lookup fails at once. Then it waits for
// stdin to close: when the harness ends (even killed), the pipe closes, the holder exits and the namespaces go
// with it.
const HOLDER = `set -e
mount -t tmpfs -o mode=0755 netns-conformance /run
mount -t sysfs netns-conformance /sys
[ -w /proc/sys/net/ipv4/ip_forward ] || mount -o remount,rw /proc/sys
mkdir -p /run/netns-conformance
target=$(readlink -m /etc/resolv.conf)
case "$target" in
  /run/*) mkdir -p "\${target%/*}"; echo 'nameserver 127.0.0.1' > "$target" ;;
  *) echo 'nameserver 127.0.0.1' > /run/netns-conformance/resolv.conf
     mount --bind /run/netns-conformance/resolv.conf /etc/resolv.conf ;;
esac
ip link set lo up
echo ready
read -r _ || true`;

export async function startNetnsDriver(): Promise<HostDriver> {
  const [guard, ...guardArgs] = dieWithHarness();
  const holder = execa(
    guard!,
    // --kill-child: the holder is unshare's child, and dies with it (and so the whole PID namespace does)
    [
      ...guardArgs,
      'unshare',
      '--net',
      '--mount',
      '--pid',
      '--kill-child',
      '--mount-proc',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      HOLDER,
    ],
    { stdin: 'pipe', reject: false, buffer: true },
  );
  let stdout = '';
  holder.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let ended: Awaited<typeof holder> | undefined;
  void holder.then((result) => (ended = result));
  await waitUntil(
    async () => {
      if (ended)
        throw new Error(
          `netns host: unshare failed (${String(ended.stderr || ended.message || '').trim()}); ` +
            'the netns backend needs root (CAP_SYS_ADMIN): run as root or use NETNS_HOST=container',
        );
      return stdout;
    },
    (seen) => seen.includes('ready'),
    { what: 'the namespace holder to print "ready"', deadlineMs: 10_000, intervalMs: 10 },
  );
  const pid = String(holder.pid);
  // unshare itself stays in the machine's PID namespace; its children, the holder first, are in the host's
  const enter = ['nsenter', '--target', pid, '--net', '--mount', `--pid=/proc/${pid}/ns/pid_for_children`, '--'];
  const name = `netns-${pid}`;
  const agent = await startAgent(enter, name).catch(async (error: Error) => {
    holder.stdin.end(); // nothing half-built: the namespaces go with their holder
    await holder;
    throw error;
  });
  let destroyed: Promise<unknown> | undefined;
  return {
    backend: 'netns',
    name,
    transport: agent.channel,
    reproduce: (argv) => [...enter, ...argv], // a person's shell is not the harness: no guard
    destroy: () =>
      (destroyed ??= (async () => {
        agent.close();
        holder.stdin.end();
        const exited = await within(holder, 5_000);
        if (!exited) holder.kill('SIGKILL');
        await holder;
      })()).then(() => undefined),
  };
}
