// Networks a container engine builds beside its default one, for properties 5 and 6: one kept apart from it, one
// whose workloads are kept apart from each other, one marked internal; two workloads on each. Their subnets and
// bridge names are given, so that the rules they make read the same on every run (golden rulesets); the roles
// are read back from the engine's `inspect`.
import type { Host } from '../hosts/host.ts';
import type { Internal, Network, Roles, Workload } from '../roles/roles.ts';
import type { World } from '../world/world.ts';

export type Engine = 'docker' | 'podman';

/** A network beside the default one, as it is asked for. */
export interface BesideNetwork {
  /** the engine's name for it (Docker's bridge's name too); its workloads are `${name}-a` and `${name}-b` */
  name: string;
  /** its IPv4 subnet and gateway; the IPv6 ones are asked for only when the world has IPv6 */
  subnet: string;
  gateway: string;
  subnet6: string;
  gateway6: string;
  /** the engine's own options for it: --internal, -o com.docker.network.bridge.enable_icc=false */
  flags: readonly string[];
}

/** What an engine claims of properties 5 and 6: the networks it builds for them, and why they behave so. */
export interface BesideClaims {
  isolation?: { network?: BesideNetwork; iccOff?: BesideNetwork; why: string };
  internal?: { network: BesideNetwork } & Pick<Internal, 'egress' | 'peersApart' | 'inboundDelivered' | 'why'>;
}

/** The three networks' names and addresses: private, and ULAs, which the internet has no route to. */
const subnetOf = (name: string, third: number) => ({
  name,
  subnet: `172.${third}.0.0/16`,
  gateway: `172.${third}.0.1`,
  subnet6: `fd00:172:${third}::/64`,
  gateway6: `fd00:172:${third}::1`,
});
export const APART = subnetOf('apart', 18);
export const NO_ICC = subnetOf('no-icc', 19);
export const INTERNAL = subnetOf('internal', 20);

/** The networks the claims ask for, in the order they are built. */
export function besideNetworks({ isolation, internal }: BesideClaims): BesideNetwork[] {
  return [isolation?.network, isolation?.iccOff, internal?.network].filter((network) => network !== undefined);
}

export const besideWorkloads = (network: Pick<BesideNetwork, 'name'>): string[] => [
  `${network.name}-a`,
  `${network.name}-b`,
];

/**
 * How each engine names a network's bridge: Docker's would be br-<its id>, and is given; Podman's are podman1,
 * podman2 … in the order they are made, the same on every run (and 4.3 has no --interface-name).
 */
const BRIDGE_NAME: Record<Engine, (name: string) => string[]> = {
  docker: (name) => ['--opt', `com.docker.network.bridge.name=${name}`],
  podman: () => [],
};

/** The networks created, each with its subnets, gateways and bridge name. */
export async function createBesideNetworks(
  host: Host,
  engine: Engine,
  world: World,
  claims: BesideClaims,
): Promise<void> {
  const ipv6 = world.families.includes('ipv6');
  for (const network of besideNetworks(claims)) {
    const addresses = [
      ...['--subnet', network.subnet, '--gateway', network.gateway],
      ...(ipv6 ? ['--ipv6', '--subnet', network.subnet6, '--gateway', network.gateway6] : []),
    ];
    const bridge = BRIDGE_NAME[engine](network.name);
    await host.exec([engine, 'network', 'create', ...addresses, ...bridge, ...network.flags, network.name]);
  }
}

/** The networks removed, once their workloads are. */
export async function removeBesideNetworks(host: Host, engine: Engine, claims: BesideClaims): Promise<void> {
  const names = besideNetworks(claims).map((network) => network.name);
  if (names.length) await host.exec([engine, 'network', 'rm', ...names]);
}

/** A container as `inspect` gives its networks (Docker's fields; Podman answers in them too). */
export interface InspectedNetworks {
  Name: string;
  State: { Pid: number };
  NetworkSettings: {
    Networks: Record<string, OnNetwork>;
  };
}

/** A container's addresses on one network, as `inspect` gives them. */
type OnNetwork = { IPAddress: string; GlobalIPv6Address?: string };

/** Docker's names start with a slash. */
const nameOf = (container: InspectedNetworks) => container.Name.replace(/^\//, '');

/**
 * A container as a workload of one of its networks; in a world with IPv6 its IPv6 address there (none given, an
 * empty string or no field: its IPv6 rows skip, saying it has no IPv6 address).
 */
export const workloadOf = (container: InspectedNetworks, on: OnNetwork, ipv6: boolean): Workload => ({
  label: nameOf(container),
  netns: `/proc/${container.State.Pid}/ns/net`,
  address: on.IPAddress,
  ...(ipv6 && on.GlobalIPv6Address ? { address6: on.GlobalIPv6Address } : {}),
});

/** The roles of properties 5 and 6, from the inspected workloads on the networks beside the default. */
export function besideRoles(
  inspected: readonly InspectedNetworks[],
  claims: BesideClaims,
  world: World,
): Pick<Roles, 'isolation' | 'internal'> {
  const ipv6 = world.families.includes('ipv6');
  const networkOf = (network: BesideNetwork): Network => {
    const workloads = besideWorkloads(network).map((name) => {
      const container = inspected.find((each) => nameOf(each) === name);
      const on = container?.NetworkSettings.Networks[network.name];
      if (!container || !on) throw new Error(`${name} is not on network ${network.name}`);
      return workloadOf(container, on, ipv6);
    });
    // the gateway asked for: a workload of an internal network has none in `inspect` (it gets no default route)
    return { workloads, gateway: network.gateway, ...(ipv6 ? { gateway6: network.gateway6 } : {}) };
  };
  const { isolation, internal } = claims;
  return {
    ...(isolation
      ? {
          isolation: {
            ...(isolation.network ? { network: networkOf(isolation.network) } : {}),
            ...(isolation.iccOff ? { iccOff: networkOf(isolation.iccOff) } : {}),
            why: isolation.why,
          },
        }
      : {}),
    ...(internal ? { internal: { ...networkOf(internal.network), ...withoutNetwork(internal) } } : {}),
  };
}

const withoutNetwork = <Claim extends { network: BesideNetwork }>({ network, ...claim }: Claim) => claim;
