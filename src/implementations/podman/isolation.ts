// Properties 5 and 6 as each Podman version claims them, with the networks it is asked to build for them: one
// isolated from every other bridge network, and one marked internal (netavark has no inter-container switch, so
// no network with icc off). Measured; where the versions differ, the netavark change that explains it is named.
import { APART, INTERNAL, type BesideClaims } from '../beside-networks.ts';

// No DNS server (aardvark-dns) on them: names are not judged here, and after `podman network reload` netavark
// 1.14 and 1.17 could not remove a container of a network with one ("remove aardvark entries: IO error: No such
// file or directory", measured)
const NO_DNS = '--disable-dns';

export function podmanBeside(version: string): BesideClaims {
  return {
    // 4.3's netavark (1.4) has only isolate=true, which keeps apart networks that both have it: the default
    // network, which cannot be given it, still reaches an isolated one (measured), so 4.3 claims no isolation
    ...(version === '4.3'
      ? {}
      : {
          isolation: {
            network: { ...APART, flags: ['--opt', 'isolate=strict', NO_DNS] },
            why: "netavark's isolate=strict drops what its bridge forwards to any other bridge network, and back",
          },
        }),
    internal: {
      network: { ...INTERNAL, flags: ['--internal', NO_DNS] },
      egress: 'no-route',
      inboundDelivered:
        'netavark makes no firewall rule for an internal network (a firewall reload would wipe it) and sets only its ' +
        "bridge's forwarding to 0 (containers/netavark#126): that stops what arrives on the bridge, not what the " +
        'host forwards to it',
      why: 'an internal network gives its containers no default route',
    },
  };
}
