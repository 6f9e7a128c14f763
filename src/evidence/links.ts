// State the kernel reports, read as JSON (ip -j): link operstate, neighbour entries, route lookups, sysctls.
import type { Host } from '../hosts/host.ts';
import { waitUntil } from '../wait.ts';

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

export type RouteLookup = { ok: true; dev: string; gateway?: string; prefsrc?: string } | { ok: false; error: string };

/** `ip route get`: which way the kernel would send a packet to `address`, or why it would not. */
export async function routeGet(host: Host, ns: string | undefined, address: string): Promise<RouteLookup> {
  const result = await host.exec(['ip', '-j', 'route', 'get', address], { ns, expectExit: 'any' });
  if (result.exitCode !== 0) return { ok: false, error: result.stderr.replace(/^RTNETLINK answers: /, '').trim() };
  const [route] = JSON.parse(result.stdout) as Array<{ dev: string; gateway?: string; prefsrc?: string }>;
  return { ok: true, dev: route!.dev, gateway: route!.gateway, prefsrc: route!.prefsrc };
}

export async function sysctl(host: Host, ns: string | undefined, key: string): Promise<string> {
  return (await host.exec(['sysctl', '-n', key], { ns })).stdout.trim();
}

/**
 * The neighbour state once resolution has ended (not INCOMPLETE; ARP gives up after ~3 s). A probe sent while
 * a resolution is still failing inherits that failure, so a "before" check awaits this before the fix.
 */
export async function settledNeighbourState(host: Host, ns: string | undefined, address: string): Promise<string[]> {
  return waitUntil(() => neighbourState(host, ns, address), (state) => !state.includes('INCOMPLETE'), {
    what: `the ARP resolution of ${address} in ${ns ?? 'host'} to end`,
    deadlineMs: 10_000,
  });
}
