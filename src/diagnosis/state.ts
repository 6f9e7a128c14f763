// The plain-state causes of a failed probe, read from the kernel (ip -j, sysctl) along its path: a link or
// bridge down, a cable that is not a port of the bridge, no route or a route via an address nobody answers
// for, an address outside the bridge's network, an IPv6 address still tentative or failed by duplicate address
// detection, forwarding off globally or on one interface.
import type { Host } from '../hosts/host.ts';
import { contains } from '../net/ipv4.ts';
import { contains6 } from '../net/ipv6.ts';
import { neighbourState, unusableAddress } from '../evidence/links.ts';
import type { ProbeSpec } from '../probes/outcome.ts';
import { ping, probe } from '../probes/probe.ts';
import type { Roles, Workload } from '../roles/roles.ts';
import { familyOf, uplinkAddress, type Family, type World } from '../world/world.ts';
import { hostEndOf, type AddressedLink, type CellState } from './cell-state.ts';

const isDown = (link: AddressedLink) => !link.flags.includes('UP');

/** What is wrong along the probe's path, in words; empty when the state looks right. */
/** bridge: the host's link that holds the gateway address, if any. */
export async function stateCauses(
  host: Host,
  probe: ProbeSpec,
  roles: Roles,
  world: World,
  bridge: string | undefined,
  state: CellState,
): Promise<string[]> {
  const family = familyOf(probe.to);
  const causes: string[] = [];
  const hostLinks = await state.links(undefined);
  const bridgeLink = hostLinks.find((link) => link.ifname === bridge);
  if (!bridgeLink) causes.push(`no link in the host has the gateway address ${roles.gateway}`);
  else if (isDown(bridgeLink)) causes.push(`bridge ${bridgeLink.ifname} is down`);
  else if (bridgeLink.operstate === 'DOWN') causes.push(`bridge ${bridgeLink.ifname} has no port that is up`);
  const gatewayAddress = bridgeLink?.addr_info.find((info) => info.local === roles.gateway);
  const gatewayUnusable = gatewayAddress && unusableAddress(gatewayAddress, bridgeLink!.ifname);
  if (gatewayUnusable) causes.push(`the gateway ${gatewayUnusable}`);
  const uplink = hostLinks.find((link) => link.ifname === world.uplink.name);
  if (uplink && isDown(uplink)) causes.push(`uplink ${uplink.ifname} is down`);

  const source = roles.workloads.find((w) => w.netns === probe.from);
  const target = roles.workloads.find((w) => w.address === probe.to);
  for (const workload of [source, target]) {
    if (workload) causes.push(...(await workloadCauses(workload, roles, hostLinks, bridge, state, family)));
  }
  if (source) causes.push(...(await routeCauses(host, state, source, probe.to, 'to')));
  // an inbound connection also needs the server's way back to the client
  const server =
    probe.from === world.internet.namespace && probe.source && roles.published
      ? roles.workloads.find((w) => w.label === roles.published!.workload)
      : undefined;
  if (server && probe.to === uplinkAddress(world)) {
    causes.push(...(await routeCauses(host, state, server, probe.source!, 'back to')));
  }
  // forwarding matters to what crosses the host: a workload to the internet, the internet to a workload, and a
  // workload to a published port through the uplink address (DNATed back to the bridge: hairpin)
  const hostLocal = [roles.gateway, uplinkAddress(world)].includes(probe.to) || probe.from === undefined;
  const crossesHost =
    (source && !target && !hostLocal) ||
    probe.from === world.internet.namespace ||
    (source !== undefined && isHairpin(probe, roles, world));
  if (crossesHost) {
    const forwarding = family === 'ipv6' ? 'net.ipv6.conf.all.forwarding' : 'net.ipv4.ip_forward';
    if ((await state.sysctl(forwarding)) === '0') causes.push(`forwarding is off in the host (${forwarding}=0)`);
    // IPv6 has no forwarding switch per interface: conf.<link>.forwarding=0 makes the link a host's (it would take
    // router advertisements) and the kernel still forwards (a breakage in own-setup-scripts.test.ts shows it)
    for (const link of family === 'ipv4' ? [bridge, world.uplink.name] : []) {
      if (link && (await state.sysctl(`net.ipv4.conf.${link}.forwarding`)) === '0')
        causes.push(`forwarding is off on ${link} (net.ipv4.conf.${link}.forwarding=0)`);
    }
  }
  return causes;
}

/** ARP asks three times, a second apart, before the kernel answers a ping with "Destination Host Unreachable" */
const ARP_GIVES_UP_MS = 4_000;

/** No route from a workload to an address, or one via a next hop that does not answer ARP. */
async function routeCauses(
  host: Host,
  cell: CellState,
  workload: Workload,
  address: string,
  way: 'to' | 'back to',
): Promise<string[]> {
  const route = await cell.route(workload.netns, address);
  if (!route.ok) return [`${workload.label} has no route ${way} ${address} (${route.error})`];
  // the next hop, or the address itself when it is on-link, must answer ARP
  const hop = route.gateway ?? address;
  let state = await neighbourState(host, workload.netns, hop);
  if (!state.length) {
    // No entry: the kernel's neighbour GC deletes failed ones once the machine holds more than gc_thresh1 (128)
    // entries, counted over every namespace (a scale test running beside this one is enough). One packet asks
    // the kernel to resolve the hop again. Its own answer, once ARP gives up, is the evidence: the entry may be
    // collected again before it can be read when the machine is busy with neighbours.
    const asked = await probe(host, ping(workload.netns, hop, { timeoutMs: ARP_GIVES_UP_MS }));
    const { outcome } = asked;
    const ownArpFailed = outcome.kind === 'host-unreachable' && [undefined, workload.address].includes(outcome.from);
    state = ownArpFailed ? ['FAILED'] : await neighbourState(host, workload.netns, hop);
  }
  if (!state.includes('FAILED') && !state.includes('INCOMPLETE')) return [];
  // IPv6 asks by neighbour discovery, IPv4 by ARP
  const asks = familyOf(address) === 'ipv6' ? 'neighbour discovery' : 'ARP';
  const arp = `${asks} ${state.join(' ')}`;
  return [
    route.gateway
      ? `${workload.label} routes ${address} via ${route.gateway}, which nobody answers for (${arp})`
      : `${workload.label} gets no ${asks} answer for ${address} on ${route.dev} (${arp})`,
  ];
}

async function workloadCauses(
  workload: Workload,
  roles: Roles,
  hostLinks: AddressedLink[],
  bridge: string | undefined,
  state: CellState,
  family: Family,
): Promise<string[]> {
  const inet = family === 'ipv6' ? 'inet6' : 'inet';
  const links = await state.links(workload.netns);
  const own = links.flatMap((link) =>
    link.addr_info
      .filter((info) => info.family === inet && info.local === workload.address)
      .map((info) => ({ link: link.ifname, ...info })),
  );
  if (own.length === 0) return [`${workload.label} has no interface with its address ${workload.address}`];
  const { link: ifname, prefixlen } = own[0]!;
  const causes: string[] = [];
  const ownUnusable = unusableAddress(own[0]!, ifname);
  if (ownUnusable) causes.push(`${workload.label}'s address ${ownUnusable}`);
  const network = { address: workload.address, prefix: prefixlen };
  if (!(family === 'ipv6' ? contains6(network, roles.gateway) : contains(network, roles.gateway))) {
    causes.push(
      `${workload.label}'s address ${workload.address}/${prefixlen} is outside the gateway ${roles.gateway}'s network`,
    );
  }
  const link = links.find((candidate) => candidate.ifname === ifname)!;
  if (isDown(link)) causes.push(`${workload.label}'s ${ifname} is down`);
  const cable = hostEndOf(link, hostLinks);
  if (cable && bridge && cable.master !== bridge)
    causes.push(
      `${cable.ifname} (${workload.label}'s cable) is not a port of ${bridge}` +
        `${cable.master ? ` but of ${cable.master}` : ''}`,
    );
  if (cable && isDown(cable)) causes.push(`${cable.ifname} (${workload.label}'s cable) is down`);
  return causes;
}

/** A workload's probe to the published port through the host's uplink address. */
export const isHairpin = (probe: ProbeSpec, roles: Roles, world: World): boolean =>
  probe.to === uplinkAddress(world) && roles.published !== undefined && probe.port === roles.published.port;
