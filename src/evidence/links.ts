// State the kernel reports, read as JSON (ip -j): link operstate, neighbour entries, route lookups, sysctls.
import { readFileSync } from 'node:fs';
import type { BackgroundProcess } from '../hosts/background.ts';
import type { Host, NetnsRef } from '../hosts/host.ts';
import { PYTHON } from '../hosts/python.ts';

const NEIGHBOUR_MONITOR = readFileSync(new URL('./neighbour-monitor.py', import.meta.url), 'utf8');

export interface LinkState {
  ifname: string;
  operstate: string;
  flags: string[];
  master?: string;
}

export async function linkState(host: Host, ns: string | undefined, link: string): Promise<LinkState> {
  const { stdout } = await host.exec(['ip', '-j', 'link', 'show', 'dev', link], { ns });
  const [state] = JSON.parse(stdout) as LinkState[];
  return state!;
}

/** Neighbour (ARP) states for an address: ["REACHABLE"], ["INCOMPLETE"], ["FAILED"], or [] when none. */
export async function neighbourState(host: Host, ns: string | undefined, address: string): Promise<string[]> {
  const { stdout } = await host.exec(['ip', '-j', 'neigh', 'show', 'to', address], { ns });
  const [entry] = JSON.parse(stdout || '[]') as Array<{ state?: string[] }>;
  return entry?.state ?? [];
}

/** An address as `ip -j addr` reports it; an IPv6 one may still be in, or have failed, duplicate address detection. */
export interface AddressInfo {
  family: string;
  local: string;
  prefixlen: number;
  tentative?: boolean;
  dadfailed?: boolean;
}

/** Why the kernel does not use an IPv6 address (yet): "fd00::1 on docker0 is tentative: …"; undefined if it does. */
export function unusableAddress(address: AddressInfo, ifname: string): string | undefined {
  const it = `${address.local} on ${ifname}`;
  if (address.dadfailed) return `${it} failed duplicate address detection (another node on the link has it)`;
  if (address.tentative) return `${it} is tentative (duplicate address detection has not finished: not in use yet)`;
  return undefined;
}

/** An IPv6 address the kernel does not use: "fd00::1 on docker0", still tentative or not, and why in words. */
export interface UnsettledAddress {
  where: string;
  ifname: string;
  tentative: boolean;
  /** its link is up with a carrier: its DAD runs (on a link without one it waits, tentative, for the carrier) */
  running: boolean;
  why: string;
}

/** IPv6 addresses of a namespace that cannot be used yet (tentative) or ever (failed DAD). */
export async function unsettledAddresses(host: Host, ns: NetnsRef | undefined): Promise<UnsettledAddress[]> {
  const { stdout } = await host.exec(['ip', '-j', '-6', 'addr', 'show'], { ns });
  const links = JSON.parse(stdout || '[]') as Array<{ ifname: string; flags?: string[]; addr_info: AddressInfo[] }>;
  return links.flatMap(({ ifname, flags = [], addr_info }) =>
    addr_info.flatMap((address) => {
      const why = unusableAddress(address, ifname);
      const tentative = !address.dadfailed && Boolean(address.tentative);
      const running = flags.includes('UP') && flags.includes('LOWER_UP');
      return why ? [{ where: `${address.local} on ${ifname}`, ifname, tentative, running, why }] : [];
    }),
  );
}

export type RouteLookup = { ok: true; dev: string; gateway?: string; prefsrc?: string } | { ok: false; error: string };

/** `ip route get`: which way the kernel would send a packet to `address`, or why it would not. */
export async function routeGet(host: Host, ns: string | undefined, address: string): Promise<RouteLookup> {
  const result = await host.exec(['ip', '-j', 'route', 'get', address], { ns, expectExit: 'any' });
  if (result.exitCode !== 0) return { ok: false, error: result.stderr.replace(/^RTNETLINK answers: /, '').trim() };
  const [route] = JSON.parse(result.stdout) as Array<{ dev: string; gateway?: string; prefsrc?: string }>;
  return { ok: true, dev: route!.dev, gateway: route!.gateway, prefsrc: route!.prefsrc };
}

/** How long DAD of an address on a link takes by the link's settings: dad_transmits × retrans_time_ms. */
export async function dadMs(host: Host, ns: string | undefined, ifname: string): Promise<number> {
  // the path form: a link's name may hold a dot (eth0.100), which the dotted form reads as a separator
  const keys = [`net/ipv6/conf/${ifname}/dad_transmits`, `net/ipv6/neigh/${ifname}/retrans_time_ms`];
  const { stdout } = await host.exec(['sysctl', '-n', ...keys], { ns });
  const [transmits, retransMs] = stdout.trim().split('\n').map(Number);
  return transmits! * retransMs!;
}

export async function sysctl(host: Host, ns: string | undefined, key: string): Promise<string> {
  return (await host.exec(['sysctl', '-n', key], { ns })).stdout.trim();
}

/**
 * Runs `action` and returns, beside its result, the first state the kernel announces for `address`'s neighbour
 * entry: ["FAILED"] once ARP gives up (~3 s), ["REACHABLE"] when answered. Heard as an event, not read afterwards:
 * the kernel's neighbour GC may delete a failed entry at once when the machine holds more than gc_thresh1 (128)
 * entries, counted over every namespace (a scale test beside this one is enough).
 */
export async function announcedNeighbourState<T>(
  host: Host,
  ns: string | undefined,
  address: string,
  action: () => Promise<T>,
): Promise<{ result: T; state: string[] }> {
  const monitor = await neighbourMonitor(host, ns);
  try {
    const result = await action();
    await monitor.waitForStdout(`${address} dev `, `a neighbour event for ${address} in ${ns ?? 'the host'}`);
    const { stdout } = await monitor.stop();
    return { result, state: announcedStates(stdout, address) };
  } finally {
    await monitor.stop();
  }
}

/**
 * Prints the neighbour events of `ns` as `ip monitor neigh` does, from the moment this returns
 * (neighbour-monitor.py says why not `ip monitor` itself). Its caller stops it.
 */
export async function neighbourMonitor(host: Host, ns: string | undefined): Promise<BackgroundProcess> {
  const display = `${PYTHON} -c <neighbour-monitor.py>`;
  const monitor = await host.spawn([PYTHON, '-c', NEIGHBOUR_MONITOR], { ns, display });
  try {
    await monitor.waitForNetlinkSubscription(`the neighbour monitor in ${ns ?? 'the host'}`);
  } catch (error) {
    await monitor.stop();
    throw error;
  }
  return monitor;
}

/** "192.168.0.1 dev ceth0 FAILED", "Deleted 10.0.0.1 dev eth0 lladdr … STALE": the first line's states. */
function announcedStates(monitorOutput: string, address: string): string[] {
  for (const line of monitorOutput.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'Deleted') words.shift();
    if (words[0] === address && words[1] === 'dev') return words.slice(3).filter((word) => /^[A-Z_]+$/.test(word));
  }
  return [];
}
