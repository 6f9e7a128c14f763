// What each Docker version must be told to give its default bridge IPv6, as data with the reason: a run that
// judges IPv6 starts dockerd with these flags; one that judges IPv4 only starts it with its own defaults.
//
// Every version needs `--ipv6` and an IPv6 subnet for docker0 (the default bridge takes no ULA of its own choice);
// ip6tables (NAT66 for the subnet, DNAT for published ports, the isolation and raw-table rules) is behind
// `--experimental --ip6tables` before 27.0 and on by default from 27.0 (moby's 27.0 release notes).
import type { DockerVersion } from './versions.ts';

/** docker0's IPv6 subnet: a unique local prefix, as 172.17.0.0/16 is private; the internet has no route to it */
export const DOCKER_SUBNET6 = 'fd00:172:17::/64';

export interface DockerIpv6 {
  flags: readonly string[];
  because: string;
}

const IPV6 = ['--ipv6', `--fixed-cidr-v6=${DOCKER_SUBNET6}`];

/** before 27.0: ip6tables only when asked for, and only as an experiment */
const BEFORE_27: DockerIpv6 = {
  flags: [...IPV6, '--experimental', '--ip6tables'],
  because: 'ip6tables is experimental before 27.0: without --experimental --ip6tables no NAT66 and no IPv6 DNAT',
};

export const DOCKER_IPV6: Record<DockerVersion, DockerIpv6> = {
  '20.10': BEFORE_27,
  '26.1': BEFORE_27,
  '28.5': { flags: IPV6, because: 'ip6tables is on by default from 27.0' },
};
