// Debian's LXC versions the harness judges through lxc-net, its bridge for containers: the suite each comes from,
// and whether its defaults give the bridge IPv6 (read from each version's /usr/libexec/lxc/lxc-net).
interface LxcVersion {
  suite: 'bookworm' | 'trixie';
  /** its default lxc-net hands out IPv6 (router advertisements from its dnsmasq, NAT66), and why */
  ipv6: { by: boolean; because: string };
}

export const LXC_VERSIONS: Record<string, LxcVersion> = {
  '5.0': {
    suite: 'bookworm',
    ipv6: {
      by: false,
      because: 'lxc-net 5.0 gives lxcbr0 IPv6 only when LXC_IPV6_ADDR is set, and it is not by default',
    },
  },
  '6.0': {
    suite: 'trixie',
    ipv6: { by: true, because: 'lxc-net 6.0 turns IPv6 on by default: fc42:5009:ba4b:5ab0::/64 by RA, with NAT66' },
  },
};
export const LXC_PREFIX = 'lxc-';
export const LXC_IDS = Object.keys(LXC_VERSIONS).map((version) => `${LXC_PREFIX}${version}`);

/** The version an id names ('lxc-5.0'), or undefined. */
export function lxcVersionOf(id: string): string | undefined {
  const version = id.slice(LXC_PREFIX.length);
  return id.startsWith(LXC_PREFIX) && Object.hasOwn(LXC_VERSIONS, version) ? version : undefined;
}
