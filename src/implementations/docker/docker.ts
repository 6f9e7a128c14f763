// Docker's own bridge networking as an implementation: a real dockerd of one Debian version inside a
// Docker-in-Docker host, started with its own defaults (iptables on, docker0, userland-proxy on), two containers
// on docker0, and port 8080 of the host published to the first one's port 5000 (and 8081 on 127.0.0.1 only);
// roles from `docker inspect`; its own paths, per version, in paths.ts. A run that judges IPv6 gives dockerd what
// its version needs for an IPv6 docker0 (ipv6.ts), and the containers' IPv6 addresses join the roles.
//
//   [web] 172.17.0.2 (:5000 published as 8080, 127.0.0.1:8081)  [peer] 172.17.0.3
//           \\                                   /
//   [Docker-in-Docker host] docker0 172.17.0.1, dockerd's rules; eth0 172.31.8.154 --- [internet]
import type { BackgroundProcess } from '../../hosts/background.ts';
import type { Host } from '../../hosts/host.ts';
import { recipeOf } from '../../hosts/host-image.ts';
import type { World } from '../../world/world.ts';
import {
  removeWorkloads,
  rolesWhenRunning,
  startWorkloads,
  WRITABLE_CGROUPS,
  type EngineClaims,
} from '../container-engine.ts';
import { DOCKER_KEPT } from './kept.ts';
import { ipv6Settled } from '../ipv6-settled.ts';
import { waitUntil } from '../../wait.ts';
import {
  ImplementationError,
  type HostNeeds,
  type Implementation,
  type ImplementationKind,
} from '../implementation.ts';
import { DOCKER_FOREIGN, DOCKER_HAIRPIN, DOCKER_HAIRPIN_NO_PROXY, dockerChecks } from './paths.ts';
import { DOCKER_IPV6 } from './ipv6.ts';
import { dockerBeside } from './isolation.ts';
import { dockerRulesets } from './rulesets.ts';
import {
  DOCKER_IDS,
  DOCKER_IPTABLES,
  DOCKER_PREFIX,
  DOCKER_VERSIONS,
  dockerVersionOf,
  type DockerVersion,
} from './versions.ts';

/** A Docker-in-Docker host of the version's Debian suite, its engine's state on a tmpfs. */
export function dockerHost(version: DockerVersion): HostNeeds {
  const id = `${DOCKER_PREFIX}${version}`;
  return {
    recipe: recipeOf(id, DOCKER_VERSIONS[version]),
    // dockerd and runc need no more than the host's NET_ADMIN NET_RAW SYS_ADMIN and Docker's default set
    tmpfs: { '/var/lib/docker': 'rw,exec' },
  };
}

export function dockerImplementation(version: DockerVersion): Implementation {
  const id = `${DOCKER_PREFIX}${version}`;
  let engine: BackgroundProcess | undefined;
  const flags = (world: World) => (world.families.includes('ipv6') ? DOCKER_IPV6[version].flags : []);
  const claims: EngineClaims = { hairpin: DOCKER_HAIRPIN, foreignFirewall: DOCKER_FOREIGN, ...dockerBeside(version) };
  /** dockerd stopped and started again with these flags; the roles once its containers run again */
  const restarted = async (host: Host, world: World, withFlags: readonly string[], as: EngineClaims) => {
    await engine!.stop();
    engine = await startDockerd(host, id, withFlags);
    const roles = await rolesWhenRunning(host, 'docker', world, as);
    if (world.families.includes('ipv6')) await ipv6Settled(host, id, roles);
    return roles;
  };
  return {
    id,
    async unavailable(host, firewall) {
      if (host.backend !== 'container')
        return `${id} runs its engine in a Docker-in-Docker host; run it with NETNS_HOST=container`;
      return firewall === DOCKER_IPTABLES
        ? undefined
        : `${id} writes its rules with ${DOCKER_IPTABLES} (its image's iptables), not ${firewall}`;
    },
    async setUp({ host, world }) {
      engine = await startDockerd(host, id, flags(world));
      const roles = await startWorkloads(host, 'docker', world, claims);
      if (world.families.includes('ipv6')) await ipv6Settled(host, id, roles);
      return roles;
    },
    restart: {
      how: 'dockerd stopped (SIGTERM) and started again; its containers come back by their restart policy',
      run: (host, world) => restarted(host, world, flags(world), claims),
    },
    reconfigured: {
      name: 'userland-proxy off',
      how: 'dockerd restarted with --userland-proxy=false (its containers come back by their restart policy)',
      properties: ['7-hairpin'],
      run: (host, world) =>
        restarted(host, world, [...flags(world), '--userland-proxy=false'], {
          ...claims,
          hairpin: DOCKER_HAIRPIN_NO_PROXY,
        }),
    },
    rulesets: dockerRulesets,
    ownChecks: (roles, world) => dockerChecks(version, roles, world),
    remove: (host) => removeWorkloads(host, 'docker', claims),
    keptAfterRemove: DOCKER_KEPT,
  };
}

/** dockerd with its own defaults and these flags, answering; id names it in errors. */
export async function startDockerd(host: Host, id: string, flags: readonly string[] = []): Promise<BackgroundProcess> {
  await host.exec(['bash', '-s'], { stdin: WRITABLE_CGROUPS });
  const engine = await host.spawn(['dockerd', ...flags]);
  await waitUntil(
    async () => {
      if (engine.exited)
        throw new ImplementationError(
          id,
          `dockerd exited ${engine.exited.exitCode}: ` +
            `${(await engine.output()).stderr.trim().split('\n').slice(-3).join(' | ')}`,
        );
      return (
        await host.exec(['docker', 'info', '--format', '{{.ServerVersion}}'], { expectExit: 'any' })
      ).stdout.trim();
    },
    (version) => version !== '',
    { what: `dockerd to answer in host ${host.name}`, deadlineMs: 60_000, intervalMs: 100 },
  );
  return engine;
}

/** NETNS_IMPL=docker-20.10, docker-26.1, docker-28.5 */
export const dockerKind: ImplementationKind = {
  kind: 'docker',
  names: DOCKER_IDS,
  read: (id) => {
    const version = dockerVersionOf(id);
    return (
      version && {
        argument: version,
        host: dockerHost(version),
        golden: true,
        lifecycle: ['restart', 'reconfigure', 'remove'] as const,
      }
    );
  },
  make: (ref) => dockerImplementation(ref.argument as DockerVersion),
};
