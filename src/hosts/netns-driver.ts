// The netns backend: the host is a private network, mount and PID namespace made with `unshare`, held open by a
// small shell process, the first process of its PID namespace. Commands run through an agent inside it (entered
// once with nsenter): the harness's large process forks nothing per command. When that holder
// ends (the host stops, or the harness dies and its death signal reaches it), the kernel kills every process
// left in the host, however it was started: a setup script's own children too. For machines with root and no
// Docker.
import { execa } from 'execa';
import type { HostDriver } from './host.ts';
import { startAgent } from './agent/start-agent.ts';
import { enterHolder, PREPARE_HOST, UNSHARE_HOST } from './namespace-holder.ts';
import { dieWithHarness } from './die-with-harness.ts';
import { waitUntil, within } from '../wait.ts';

// When the harness ends (even killed), the holder's stdin closes, it exits and the namespaces go with it.
const HOLDER = `${PREPARE_HOST}
echo ready
read -r _ || true`;

export async function startNetnsDriver(): Promise<HostDriver> {
  const [guard, ...guardArgs] = dieWithHarness();
  const holder = execa(
    guard!,
    // --kill-child: the holder is unshare's child, and dies with it (and so the whole PID namespace does)
    [...guardArgs, ...UNSHARE_HOST, 'sh', '-c', HOLDER],
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
  const enter = enterHolder(pid);
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
