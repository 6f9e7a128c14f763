// Podman's own bridge networking as an implementation: a real rootful Podman of one Debian version, its netavark
// writing the rules with the driver the cell's firewall backend names (versions.ts), inside a container host of
// its own. Two containers on Podman's default network (podman0, 10.88.0.0/16), the first published on 8080 and
// on 127.0.0.1:8081; roles from `podman inspect`.
//
//   [web] 10.88.0.2 (:5000 published as 8080, 127.0.0.1:8081)  [peer] 10.88.0.3
//           \\                                     /
//   [Podman host] podman0 10.88.0.1, netavark's rules; eth0 172.31.8.154 --- [internet]
import { recipeOf } from '../../hosts/host-image.ts';
import type { HostNeeds, Implementation, ImplementationKind } from '../implementation.ts';
import {
  removeWorkloads,
  rolesWhenRunning,
  startWorkloads,
  WRITABLE_CGROUPS,
  type EngineClaims,
} from '../container-engine.ts';
import { podmanBeside } from './isolation.ts';
import { iptablesIn, iptablesOf, type Firewall } from '../../net/firewall.ts';
import { PODMAN_KEPT } from './kept.ts';
import { PODMAN_FOREIGN, PODMAN_HAIRPIN, podmanChecks } from './paths.ts';
import { podmanRulesets } from './rulesets.ts';
import { PODMAN_IDS, PODMAN_PREFIX, PODMAN_VERSIONS, podmanVersionOf } from './versions.ts';

/** A container host of the version's Debian suite, Podman's storage on a tmpfs. */
export function podmanHost(version: string): HostNeeds {
  const id = `${PODMAN_PREFIX}${version}`;
  return {
    recipe: recipeOf(id, PODMAN_VERSIONS[version]!.suite),
    tmpfs: { '/var/lib/containers': 'rw,exec' },
  };
}

// Inside a container host: cgroupfs (no systemd to ask), events to a file, vfs storage (overlay cannot sit on the
// host's overlay); everything else is Podman's own default. The driver line is the cell's (versions.ts).
const containersConf = (driver: string | undefined) => `[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
${driver ? `firewall_driver = "${driver}"\n` : ''}`;
const STORAGE_CONF = `[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
`;

export function podmanImplementation(version: string): Implementation {
  const id = `${PODMAN_PREFIX}${version}`;
  const it = PODMAN_VERSIONS[version]!;
  // the driver this cell's netavark writes with: its golden rules are that driver's (podman-5.4.nftables.nft)
  let driver: string | undefined;
  let cellFirewall: Firewall | undefined;
  const claims: EngineClaims = { hairpin: PODMAN_HAIRPIN, foreignFirewall: PODMAN_FOREIGN, ...podmanBeside(version) };
  return {
    id,
    async unavailable(host, firewall) {
      if (host.backend !== 'container')
        return `${id} runs in a container host of its own; run it with NETNS_HOST=container`;
      return it.drivers[firewall] ? undefined : `${id} cannot write its rules with ${firewall}: ${it.without}`;
    },
    async setUp({ host, world, firewall }) {
      await host.exec(['bash', '-s'], { stdin: WRITABLE_CGROUPS });
      driver = it.drivers[firewall];
      cellFirewall = firewall;
      await host.exec(['mkdir', '-p', '/etc/containers']);
      const conf = containersConf(it.choosesDriver ? driver : undefined);
      await host.exec(['tee', '/etc/containers/containers.conf'], { stdin: conf });
      await host.exec(['tee', '/etc/containers/storage.conf'], { stdin: STORAGE_CONF });
      return startWorkloads(host, 'podman', world, claims);
    },
    // Podman has no daemon: what stands for its restart is a firewall reload that flushes netavark's rules
    // (firewall-cmd --reload does), after which its users run `podman network reload` (its man page says so)
    restart: {
      how: "netavark's rules flushed, as a firewall reload flushes them, then podman network reload --all",
      async run(host, world) {
        if (driver === 'nftables') await host.exec(['nft', 'delete', 'table', 'inet', 'netavark']);
        else
          for (const family of world.families)
            for (const table of ['nat', 'filter'])
              for (const flag of ['-F', '-X'])
                await host.exec([iptablesIn(iptablesOf(cellFirewall!), family), '-t', table, flag]);
        await host.exec(['podman', 'network', 'reload', '--all']);
        return rolesWhenRunning(host, 'podman', world, claims);
      },
    },
    rulesets: (host) => podmanRulesets(host, driver!),
    ownChecks: (roles, world) => podmanChecks(version, roles, world),
    remove: (host) => removeWorkloads(host, 'podman', claims),
    keptAfterRemove: PODMAN_KEPT,
  };
}

/** NETNS_IMPL=podman-4.3, podman-5.4, podman-5.8 */
export const podmanKind: ImplementationKind = {
  kind: 'podman',
  names: PODMAN_IDS,
  read: (id) => {
    const version = podmanVersionOf(id);
    return version
      ? { argument: version, host: podmanHost(version), golden: true, lifecycle: ['restart', 'remove'] as const }
      : undefined;
  },
  make: (ref) => podmanImplementation(ref.argument),
};
