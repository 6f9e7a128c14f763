// Debian's Podman versions the harness judges, rootful with netavark: the suite each comes from, and the firewall
// drivers its netavark has, by the cell's firewall backend (FACTS; measured in their images).
import type { Firewall } from '../../net/firewall.ts';

type Driver = 'iptables' | 'nftables';

interface PodmanVersion {
  suite: 'bookworm' | 'trixie' | 'sid';
  netavark: string;
  /** the netavark driver a cell's firewall backend asks for */
  drivers: Partial<Record<Firewall, Driver>>;
  /** its containers.conf takes firewall_driver (a netavark with one driver has no choice to make) */
  choosesDriver: boolean;
  /** why a backend has no driver here */
  without: string;
}

// iptables-legacy: every image's iptables is iptables-nft (Debian's default alternative), as in Docker's hosts
const LEGACY = 'its image writes iptables through iptables-nft (Debian default alternative), not iptables-legacy';
export const PODMAN_VERSIONS: Record<string, PodmanVersion> = {
  // netavark 1.4 writes iptables only, through the iptables on PATH
  '4.3': {
    suite: 'bookworm',
    netavark: '1.4',
    drivers: { 'iptables-nft': 'iptables' },
    choosesDriver: false,
    without: `netavark 1.4 has only its iptables driver, and ${LEGACY}`,
  },
  // Debian's netavark 1.14 and 1.17 write a native nft table (inet netavark) unless told iptables
  '5.4': {
    suite: 'trixie',
    netavark: '1.14',
    drivers: { 'iptables-nft': 'iptables', nft: 'nftables' },
    choosesDriver: true,
    without: LEGACY,
  },
  '5.8': {
    suite: 'sid',
    netavark: '1.17',
    drivers: { 'iptables-nft': 'iptables', nft: 'nftables' },
    choosesDriver: true,
    without: LEGACY,
  },
};
export const PODMAN_PREFIX = 'podman-';
export const PODMAN_IDS = Object.keys(PODMAN_VERSIONS).map((version) => `${PODMAN_PREFIX}${version}`);

/** The version an id names ('podman-5.4'), or undefined when it names none the harness judges. */
export function podmanVersionOf(id: string): string | undefined {
  const version = id.slice(PODMAN_PREFIX.length);
  return id.startsWith(PODMAN_PREFIX) && Object.hasOwn(PODMAN_VERSIONS, version) ? version : undefined;
}
