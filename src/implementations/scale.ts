// A generated topology of N workloads (NETNS_IMPL=scale:N), to judge the properties at scale: N namespaces on
// bridges of at most BRIDGE_PORTS ports each (the kernel's limit; the next port fails with "Exchange full"),
// joined into one segment by a veth from each extra bridge to the first, which holds the gateway. Built in
// batches: one `ip -batch -` for the host's side, one `ip -batch -` in each namespace, all in one shell.
// Neighbours are static (nud permanent, fixed MACs): the kernel's ARP table is one for the whole machine, its
// limit (gc_thresh3, 1024 here) is the machine's to set, not ours, and permanent entries do not count toward it.
// Without them, 1,000 workloads overflow it ("neighbor table overflow!") and most probes time out.
import type { Host } from '../hosts/host.ts';
import type { Roles } from '../roles/roles.ts';
import { ImplementationError, type Implementation, type ImplementationKind } from './implementation.ts';
import { HarnessSetupError } from '../setup-error.ts';
import type { Firewall, IptablesCommand } from '../net/firewall.ts';
import { nftDnatRule, nftNatRule } from '../net/nft-nat.ts';
import { uplinkAddress } from '../world/world.ts';

export const SCALE_PREFIX = 'scale:';
/** a bridge's ports (BR_MAX_PORTS 1024, port 0 unused): the 1,024th `master` fails with "Exchange full" */
export const BRIDGE_PORTS = 1023;
const SHELLS_AT_ONCE = 4;
const MOST_WORKLOADS = 60_000; // addresses in 10.64.0.0/16 after the gateway
const GATEWAY = '10.64.0.1';
const NETWORK = '10.64.0.0/16';
const PUBLISHED = { port: 8080, targetPort: 5000 };

const GATEWAY_MAC = '02:64:ff:00:00:01';
const hex = (byte: number) => byte.toString(16).padStart(2, '0');

/** The i-th workload (0-based): its namespace, host-side link, address, and both ends' MACs. */
export function scaleWorkload(index: number): {
  netns: string;
  link: string;
  address: string;
  mac: string;
  hostMac: string;
} {
  const n = index + 2; // .0 is the network, .1 the gateway
  const low = `${hex((index >> 16) & 255)}:${hex((index >> 8) & 255)}:${hex(index & 255)}`;
  return {
    netns: `w${index + 1}`,
    link: `sv${index + 1}`,
    address: `10.64.${n >> 8}.${n & 255}`,
    mac: `02:64:01:${low}`,
    hostMac: `02:64:00:${low}`,
  };
}

/**
 * Which bridge each workload's port goes to, at most `ports` ports a bridge: the first also holds one port per
 * extra bridge (their links), each extra bridge one for its link to the first.
 */
export function shardBridges(workloads: number, ports = BRIDGE_PORTS): number[] {
  const bridges: number[] = [];
  let count = 1;
  while (count * ports - (count - 1) * 2 < workloads) count += 1;
  const firstTakes = ports - (count - 1);
  for (let index = 0; index < workloads; index++)
    bridges.push(index < firstTakes ? 0 : 1 + Math.floor((index - firstTakes) / (ports - 1)));
  return bridges;
}

export function workloadCount(id: string): number {
  const text = id.slice(SCALE_PREFIX.length);
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > MOST_WORKLOADS)
    throw new ImplementationError(
      id,
      `"${text}" is not a number of workloads from 1 to ${MOST_WORKLOADS}; write scale:100`,
    );
  return count;
}

/** The host's side, as one `ip -batch` document: bridges and their links, then each namespace and its cable. */
function hostBatch(bridgeOf: number[]): string {
  const bridges = Math.max(...bridgeOf) + 1;
  const lines = [
    `link add sbr0 address ${GATEWAY_MAC} type bridge`,
    `addr add ${GATEWAY}/16 dev sbr0`,
    `link set sbr0 up`,
  ];
  for (let bridge = 1; bridge < bridges; bridge++) {
    lines.push(`link add sbr${bridge} type bridge`, `link set sbr${bridge} up`);
    lines.push(
      `link add sbl${bridge} type veth peer name sbl${bridge}p`,
      `link set sbl${bridge} master sbr0 up`,
      `link set sbl${bridge}p master sbr${bridge} up`,
    );
  }
  bridgeOf.forEach((bridge, index) => {
    const { netns, link, address, mac, hostMac } = scaleWorkload(index);
    lines.push(
      `netns add ${netns}`,
      `link add ${link} address ${hostMac} type veth peer name eth0 address ${mac} netns ${netns}`,
      `link set ${link} master sbr${bridge} up`,
    );
    lines.push(`neigh replace ${address} lladdr ${mac} dev sbr0 nud permanent`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Each namespace's side, one `ip -batch -` per namespace entered with nsenter, all in one shell script (`-n` is not
 * a batch command). Not `ip -n`: it also makes a mount namespace of its own, a copy of every /run/netns mount, so
 * each namespace cost more than the one before.
 */
function namespacesScripts(workloads: number, scripts: number): string[] {
  const blocks = Array.from({ length: workloads }, (_, index) => {
    const { netns, address } = scaleWorkload(index);
    // the gateway and the ring neighbours property 1 pings (and is pinged by), as permanent neighbours
    const neighbours = [...new Set([(index + 1) % workloads, (index + workloads - 1) % workloads])]
      .filter((other) => other !== index)
      .map(scaleWorkload);
    // no IPv6 link-local address (the properties are IPv4): each one's DAD and MLD multicast is flooded to every
    // port of the segment, so without this each namespace cost more than the one before (1.4 ms at 100, 3.1 ms at
    // 1,000, four shells on two cores)
    const lines = [
      'link set lo up',
      `addr add ${address}/16 dev eth0`,
      'link set eth0 addrgenmode none',
      'link set eth0 up',
      `route add default via ${GATEWAY}`,
      `neigh replace ${GATEWAY} lladdr ${GATEWAY_MAC} dev eth0 nud permanent`,
      ...neighbours.map((other) => `neigh replace ${other.address} lladdr ${other.mac} dev eth0 nud permanent`),
    ];
    return `nsenter --net=/run/netns/${netns} ip -batch - <<'BATCH'\n${lines.join('\n')}\nBATCH`;
  });
  return Array.from(
    { length: scripts },
    (_, part) => `set -e\n${blocks.filter((_, index) => index % scripts === part).join('\n')}\n`,
  );
}

async function build(
  host: Host,
  id: string,
  count: number,
  ports: number,
  firewall: Firewall,
  iptables: IptablesCommand,
  uplink: { name: string; address: string },
): Promise<void> {
  const bridgeOf = shardBridges(count, ports);
  const hostSide = await host.exec(['ip', '-batch', '-'], {
    stdin: hostBatch(bridgeOf),
    expectExit: 'any',
    timeoutMs: 600_000,
  });
  if (hostSide.exitCode !== 0)
    throw new ImplementationError(
      id,
      `ip -batch (host side) failed: ${hostSide.stderr.trim().split('\n').slice(-2).join(' | ')}`,
    );
  // a few shells side by side: each namespace's batch is a process or two, and most of the cost is the kernel's
  await Promise.all(
    namespacesScripts(count, SHELLS_AT_ONCE).map((script) =>
      host.exec(['bash', '-s'], { stdin: script, timeoutMs: 600_000 }),
    ),
  );
  await host.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  // Frames bridged from a shard to the first bridge must not pass iptables on the way (br_netfilter, loaded where
  // Docker runs): conntrack would bind the connection there, before routing, and MASQUERADE out of the uplink
  // would never apply. The switch is this host's own (per network namespace), and absent without br_netfilter.
  if (Math.max(...bridgeOf) > 0)
    await host.exec(['sh', '-c', 'f=/proc/sys/net/bridge/bridge-nf-call-iptables; [ ! -e "$f" ] || echo 0 > "$f"']);
  const target = `${scaleWorkload(0).address}:${PUBLISHED.targetPort}`;
  if (firewall === 'nft') {
    const table = 'netns_conformance_scale';
    await host.exec(['nft', '-f', '-'], {
      stdin:
        nftNatRule(
          table,
          'postrouting',
          `ip saddr ${NETWORK} oifname ${JSON.stringify(uplink.name)} counter masquerade`,
        ) + nftNatRule(table, 'prerouting', nftDnatRule(uplink.address, PUBLISHED.port, target)),
    });
  } else {
    // out of the uplink only, not `! -o sbr0` as the guide writes: with br_netfilter loaded (Docker loads it),
    // frames bridged from a shard to the first bridge pass nat POSTROUTING with `-o` the shard's bridge, and
    // would be masqueraded on their way to the gateway
    await host.exec([iptables, '-t', 'nat', '-A', 'POSTROUTING', '-s', NETWORK, '-o', uplink.name, '-j', 'MASQUERADE']);
    await host.exec([
      iptables,
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-d',
      uplink.address,
      '-p',
      'tcp',
      '--dport',
      String(PUBLISHED.port),
      '-j',
      'DNAT',
      '--to-destination',
      target,
    ]);
  }
}

/** ports: per bridge (fewer than the kernel's limit to shard a few hundred workloads, as the self-tests do) */
export function scaleImplementation(id: string, ports = BRIDGE_PORTS): Implementation {
  const count = workloadCount(id);
  return {
    id,
    async setUp({ host, world, firewall, iptables }): Promise<Roles> {
      await build(host, id, count, ports, firewall, iptables, {
        name: world.uplink.name,
        address: uplinkAddress(world),
      });
      const workloads = Array.from({ length: count }, (_, index) => {
        const { netns, address } = scaleWorkload(index);
        return { label: netns, netns, address };
      });
      return {
        workloads,
        gateway: GATEWAY,
        published: { port: PUBLISHED.port, workload: workloads[0]!.label, targetPort: PUBLISHED.targetPort },
      };
    },
  };
}

/** NETNS_IMPL=scale:N, N generated workloads */
export const scaleKind: ImplementationKind = {
  kind: 'scale',
  names: [`${SCALE_PREFIX}N`],
  read: (id) => {
    if (!id.startsWith(SCALE_PREFIX)) return undefined;
    try {
      return { argument: String(workloadCount(id)), golden: false };
    } catch (error) {
      throw new HarnessSetupError(`NETNS_IMPL=${(error as Error).message}`);
    }
  },
  make: (ref) => scaleImplementation(ref.id),
};
