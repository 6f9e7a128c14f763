// What a container engine judged inside a container host needs, whichever it is (Docker, Podman): writable
// cgroups, a workload image made from the host's own files, two containers of which the first is published on
// 8080 (TCP and UDP), on UDP 8100-8101 and on 127.0.0.1:8081, and the roles read from the engine's `inspect`
// (both answer in Docker's fields).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Host } from '../hosts/host.ts';
import { waitUntil } from '../wait.ts';
import type { ForeignFirewallClaim, Hairpin, Roles } from '../roles/roles.ts';
import type { World } from '../world/world.ts';
import {
  besideNetworks,
  besideRoles,
  besideWorkloads,
  createBesideNetworks,
  removeBesideNetworks,
  type BesideClaims,
  type Engine,
  type InspectedNetworks,
  workloadOf,
} from './beside-networks.ts';
import { inCheckout } from '../checkout.ts';

/** read-only cgroups inside a container: the same remedy as the set-up's (scripts/writable-cgroups) */
export const WRITABLE_CGROUPS = readFileSync(inCheckout('scripts/writable-cgroups'), 'utf8');
/** the engine's published port: `-p 8080:5000` */
export const PUBLISHED = { port: 8080, targetPort: 5000 };
/** The same server, published on the host's loopback only: `-p 127.0.0.1:8081:5000`. */
export const LOOPBACK_PUBLISHED = { address: '127.0.0.1', port: 8081 };
/** A range of UDP ports, published port for port: `-p 8100-8101:5100-5101/udp` */
export const PUBLISHED_UDP_RANGE = { port: 8100, targetPort: 5100, count: 2 };
/** The roles of what PUBLISH_FLAGS ask for (the loopback port is judged by the engine's own paths). */
export const publishedBy = (
  workload: string,
  { range = true } = {},
): Pick<Roles, 'published' | 'publishedUdp' | 'publishedUdpRange'> => ({
  published: { ...PUBLISHED, workload },
  publishedUdp: { ...PUBLISHED, workload },
  ...(range ? { publishedUdpRange: { ...PUBLISHED_UDP_RANGE, workload } } : {}),
});
/** `8100-8101`: the last port of a range that starts at `from` */
const rangeFrom = (from: number) => `${from}-${from + PUBLISHED_UDP_RANGE.count - 1}`;
/** how the engine is asked to publish them, and the same port over UDP, and a UDP range (property 8) */
export const PUBLISH_FLAGS = [
  `${PUBLISHED.port}:${PUBLISHED.targetPort}`,
  `${PUBLISHED.port}:${PUBLISHED.targetPort}/udp`,
  `${rangeFrom(PUBLISHED_UDP_RANGE.port)}:${rangeFrom(PUBLISHED_UDP_RANGE.targetPort)}/udp`,
  `${LOOPBACK_PUBLISHED.address}:${LOOPBACK_PUBLISHED.port}:${PUBLISHED.targetPort}`,
].flatMap((mapping) => ['--publish', mapping]);

export const WORKLOAD_IMAGE = 'netns-conformance-workload';
// A workload needs nothing but to exist (the harness probes from its namespace and runs the responder there):
// its image is the host's own sleep and the libraries it loads, imported (no registry answers here). $0: the
// engine's command, $1: the image's name.
const IMPORT_WORKLOAD = `set -e
files="usr/bin/sleep $(ldd /usr/bin/sleep | grep -o '/[^ ]*' | sed 's|^/||' | sort -u | tr '\\n' ' ')"
tar -C / -ch $files | "$0" import --change 'CMD ["/usr/bin/sleep", "infinity"]' - "$1" >/dev/null`;

/** What an engine claims beyond what `inspect` says: properties 7 and 10, and 5 and 6 with their networks. */
export interface EngineClaims extends BesideClaims {
  hairpin: Hairpin;
  foreignFirewall: ForeignFirewallClaim;
}

/** The engine's two workloads on its default network: the first published, the second its peer. */
const WORKLOADS = ['web', 'peer'] as const;

/** Every workload's name: the default network's, then those of the networks beside it. */
const allWorkloads = (claims: BesideClaims): string[] => [
  ...WORKLOADS,
  ...besideNetworks(claims).flatMap(besideWorkloads),
];

/** The workload image imported, `web` and `peer` run, and their roles read back from the engine's `inspect`. */
export async function startWorkloads(host: Host, engine: Engine, world: World, claims: EngineClaims): Promise<Roles> {
  await importWorkload(host, engine);
  await createBesideNetworks(host, engine, world, claims);
  await runWorkloads(host, engine, claims);
  return rolesFromInspect(host, engine, world, claims);
}

/** Once both workloads run again (after their engine's restart), their roles as `inspect` now gives them. */
export async function rolesWhenRunning(host: Host, engine: Engine, world: World, claims: EngineClaims): Promise<Roles> {
  const names = allWorkloads(claims);
  await waitUntil(
    () => host.exec([engine, 'inspect', '--format', '{{.State.Running}}', ...names], { expectExit: 'any' }),
    ({ stdout }) => stdout.trim().split('\n').join(' ') === names.map(() => 'true').join(' '),
    { what: `${names.join(', ')} running again`, deadlineMs: 60_000, intervalMs: 100 },
  );
  return rolesFromInspect(host, engine, world, claims);
}

/** The workload image, in the engine's own store. */
async function importWorkload(host: Host, engine: Engine): Promise<void> {
  await host.exec(['sh', '-c', IMPORT_WORKLOAD, engine, WORKLOAD_IMAGE]);
}

/**
 * `web`, published, and `peer`, both on the engine's default network, and two on each network beside it. Docker's
 * come back when their daemon restarts (their restart policy), and stop at its shutdown without waiting out a
 * stop timeout (sleep ignores SIGTERM).
 */
async function runWorkloads(host: Host, engine: Engine, claims: BesideClaims): Promise<void> {
  const restarting = engine === 'docker' ? ['--restart', 'unless-stopped', '--stop-timeout', '0'] : [];
  const run = (name: string, ...flags: string[]) =>
    host.exec([engine, 'run', '--detach', '--name', name, ...restarting, ...flags, WORKLOAD_IMAGE]);
  const [web, peer] = WORKLOADS;
  await run(web, ...PUBLISH_FLAGS);
  await run(peer);
  for (const network of besideNetworks(claims))
    for (const name of besideWorkloads(network)) await run(name, '--network', network.name);
}

/**
 * Both containers removed as a user removes them, whatever they run, one after the other: one `rm` of both
 * tears down in parallel, and whether netavark then sees its network's last container is a race.
 */
export async function removeWorkloads(host: Host, engine: Engine, claims: BesideClaims): Promise<void> {
  // docker rm --force kills at once; podman's waits out its stop timeout (10 s) unless told not to
  const now = engine === 'podman' ? ['--time', '0'] : [];
  for (const name of allWorkloads(claims)) await host.exec([engine, 'rm', '--force', ...now, name]);
  await removeBesideNetworks(host, engine, claims);
}

interface Inspected extends InspectedNetworks {
  NetworkSettings: InspectedNetworks['NetworkSettings'] & {
    IPAddress: string;
    Gateway: string;
    GlobalIPv6Address?: string;
    IPv6Gateway?: string;
  };
}

/**
 * The roles as the engine's `inspect` gives them; in a world with IPv6, each container's IPv6 address and the
 * bridge's too; and the engine's claims (data of its own: inspect does not say).
 */
async function rolesFromInspect(host: Host, engine: Engine, world: World, claims: EngineClaims): Promise<Roles> {
  const ipv6 = world.families.includes('ipv6');
  const all = JSON.parse((await host.exec([engine, 'inspect', ...allWorkloads(claims)])).stdout) as Inspected[];
  const inspected = all.slice(0, WORKLOADS.length);
  const gateway6 = inspected[0]!.NetworkSettings.IPv6Gateway;
  return {
    // the default network's addresses are the top-level ones
    workloads: inspected.map((container) => workloadOf(container, container.NetworkSettings, ipv6)),
    gateway: inspected[0]!.NetworkSettings.Gateway,
    ...(ipv6 && gateway6 ? { gateway6 } : {}),
    ...publishedBy(WORKLOADS[0]),
    hairpin: claims.hairpin,
    foreignFirewall: claims.foreignFirewall,
    ...besideRoles(all, claims, world),
  };
}
