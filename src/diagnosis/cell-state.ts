// The state a diagnosis reads that set-up fixed and probes do not change: each namespace's links with their
// addresses (one `ip -j addr` gives both), its routes, the host's sysctls. Read once per judgement of a cell,
// however many of its checks fail; what a probe does change (neighbour entries, counters) is read fresh each time.
import { routeGet, sysctl, type AddressInfo, type RouteLookup } from '../evidence/links.ts';
import type { Host } from '../hosts/host.ts';

/** A link as `ip -j addr` reports it: its state and its addresses. */
export interface AddressedLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  operstate: string;
  master?: string;
  /** a veth's peer, by its index in the peer's namespace */
  link_index?: number;
  addr_info: AddressInfo[];
}

export interface CellState {
  /** the links of a namespace (undefined: the host's own) */
  links(ns: string | undefined): Promise<AddressedLink[]>;
  route(ns: string | undefined, address: string): Promise<RouteLookup>;
  /** a sysctl of the host's own namespace */
  sysctl(key: string): Promise<string>;
}

export function cellState(host: Host): CellState {
  const read = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, reader: () => Promise<T>): Promise<T> => {
    if (!read.has(key)) read.set(key, reader());
    return read.get(key) as Promise<T>;
  };
  return {
    links: (ns) =>
      once(`links ${ns ?? ''}`, async () => JSON.parse((await host.exec(['ip', '-j', 'addr'], { ns })).stdout || '[]')),
    route: (ns, address) => once(`route ${ns ?? ''} ${address}`, () => routeGet(host, ns, address)),
    sysctl: (key) => once(`sysctl ${key}`, () => sysctl(host, undefined, key)),
  };
}

/** A workload's veth seen from the host: the host's link its peer index names (undefined: none there). */
export const hostEndOf = (link: AddressedLink, hostLinks: readonly AddressedLink[]): AddressedLink | undefined =>
  link.link_index === undefined ? undefined : hostLinks.find((candidate) => candidate.ifindex === link.link_index);

/** The link in a namespace that holds an address, if any. */
export async function linkWithAddress(
  state: CellState,
  ns: string | undefined,
  address: string,
): Promise<string | undefined> {
  return (await state.links(ns)).find((link) => link.addr_info.some((info) => info.local === address))?.ifname;
}
