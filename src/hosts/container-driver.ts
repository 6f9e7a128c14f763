// The container backend: a Testcontainers container with network mode `none` (nothing it does can reach the
// machine's network), the least capabilities that the guide's commands need, and the run's labels.
import { execa } from 'execa';
import { GenericContainer, Wait } from 'testcontainers';
import type { HostDriver } from './host.ts';
import { startAgent } from './agent/start-agent.ts';
import { shortId } from './run-labels.ts';

// The harness sweeps its own containers by label, so Ryuk is not needed; its image often cannot be pulled.
// Set TESTCONTAINERS_RYUK_DISABLED=false to use it where it can.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
// No port is ever mapped, so the address Testcontainers would look up (through the `bridge` network, which
// a dockerd started with --bridge=none does not have) is never used.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

/** ip netns, mounts on /run/netns, iptables/nft, sysctls (NET_ADMIN, SYS_ADMIN); ping and tcpdump (NET_RAW). */
export const HOST_CAPABILITIES = ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN'] as const;

// /proc/sys is read-only in a container: remounting it (SYS_ADMIN) makes ip_forward writable.
// resolv.conf points at the host's own lo, so a stray lookup (http.server's reverse lookup) fails at once.
const INIT = `set -e
mount -o remount,rw /proc/sys
mkdir -p /run/netns-conformance
echo 'nameserver 127.0.0.1' > /etc/resolv.conf`;

export interface ContainerHostOptions {
  image: string;
  labels: Record<string, string>;
  /** --privileged instead of the capability list, for machines where it works */
  privileged: boolean;
  /** more capabilities than the host's own (a Docker engine inside needs some) */
  capabilities?: readonly string[];
  /** tmpfs mounts: path -> options (an engine inside keeps /var/lib/docker on one: overlay2 cannot sit on overlay) */
  tmpfs?: Record<string, string>;
}

export async function startContainerDriver(opts: ContainerHostOptions): Promise<HostDriver & { initArgv: string[] }> {
  let spec = new GenericContainer(opts.image)
    .withNetworkMode('none')
    .withCommand(['sleep', 'infinity'])
    .withLabels(opts.labels)
    .withSecurityOpt('seccomp=unconfined', 'apparmor=unconfined')
    // no port is exposed: the container is ready once it runs; the init command then proves it answers
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(60_000);
  if (opts.tmpfs) spec = spec.withTmpFs(opts.tmpfs);
  spec = opts.privileged
    ? spec.withPrivilegedMode()
    : spec.withAddedCapabilities(...HOST_CAPABILITIES, ...(opts.capabilities ?? []));
  const container = await spec.start();
  const prefix = ['docker', 'exec', '--interactive', container.getId()]; // --interactive: stdin reaches the command
  const name = shortId(container.getId());
  const remove = () => container.stop({ timeout: 0, remove: true, removeVolumes: true });
  // entered once: each command through `docker exec` would cost the engine tens of milliseconds
  const agent = await startAgent(prefix, `container ${name}`).catch(async (error: Error) => {
    await remove(); // nothing half-built
    throw error;
  });
  let destroyed: Promise<unknown> | undefined;
  return {
    backend: 'container',
    name,
    transport: agent.channel,
    reproduce: (argv) => [...prefix, ...argv],
    initArgv: ['sh', '-c', INIT],
    destroy: () => (destroyed ??= (agent.close(), remove())).then(() => undefined),
    // renamed, so that the run's sweeps pass it by; the id in reproduce lines still reaches it
    keep: async (name) => {
      await execa('docker', ['rename', container.getId(), name]);
    },
  };
}
