// The links a workload reaches its gateway by, as the kernel reports them (ip -j): its own interface, the veth
// peer in the host's namespace and the bridge that peer is a port of. The roles say addresses only; the report's
// picture names the links with these.
import type { Host, NetnsRef } from '../hosts/host.ts';
import { routeGet } from './links.ts';

/** what the links are read for: a network's workloads (the roles' shape) and their gateway */
interface Network {
  workloads: ReadonlyArray<{ label: string; netns: NetnsRef }>;
  gateway: string;
}

export interface WorkloadLink {
  /** its interface towards the gateway, inside its namespace: eth0 */
  inside: string;
  /** the peer of a veth pair in the host's namespace: veth1a2b3c */
  outside?: string;
  /** the bridge that peer is a port of: docker0 */
  bridge?: string;
}

interface IpLink {
  ifindex: number;
  ifname: string;
  link_index?: number;
  master?: string;
}

const ipLinks = async (host: Host, ns?: string, dev?: string): Promise<IpLink[]> =>
  JSON.parse((await host.exec(['ip', '-j', 'link', 'show', ...(dev ? ['dev', dev] : [])], { ns })).stdout || '[]');

/** Each workload's links by its label; one whose gateway has no route is left out (the picture draws no name). */
export async function workloadLinks(host: Host, network: Network): Promise<Record<string, WorkloadLink>> {
  const hostLinks = await ipLinks(host);
  const found = await Promise.all(
    network.workloads.map(async (workload) => {
      const route = await routeGet(host, workload.netns, network.gateway);
      if (!route.ok) return [];
      const [inside] = await ipLinks(host, workload.netns, route.dev);
      // a veth's peer names the other's index both ways: one index alone could be a link of another namespace
      const peer = hostLinks.find((link) => link.ifindex === inside?.link_index && link.link_index === inside.ifindex);
      const link: WorkloadLink = {
        inside: route.dev,
        ...(peer ? { outside: peer.ifname, ...(peer.master ? { bridge: peer.master } : {}) } : {}),
      };
      return [[workload.label, link] as const];
    }),
  );
  return Object.fromEntries(found.flat());
}
