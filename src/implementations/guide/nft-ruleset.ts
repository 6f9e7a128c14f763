// The guide's two NAT rules written as a native nft ruleset (the firewall backend `nft`), in a table of its own:
// IPv4's in the ip table, their IPv6 twins in the ip6 table of the same name.
import { nftDnatRule, nftMasqueradeRule, nftNatRule, type NftFamily } from '../../net/nft-nat.ts';
import { withPort } from '../../probes/outcome.ts';
import { uplinkAddress, type Family } from '../../world/world.ts';
import { bridgeNetwork, namespaceAddress, namespaceOf, type Topology } from './topology.ts';

export const GUIDE_NFT_TABLE = 'netns_conformance_guide';

const NFT: Record<Family, NftFamily> = { ipv4: 'ip', ipv6: 'ip6' };

/** Masquerade the bridge's network leaving the host anywhere but the bridge. */
export const nftMasquerade = (topology: Topology, family: Family = 'ipv4'): string =>
  nftNatRule(
    GUIDE_NFT_TABLE,
    'postrouting',
    nftMasqueradeRule(bridgeNetwork(topology, family), topology.bridge.name, NFT[family]),
    NFT[family],
  );

/** DNAT the host's public address and port to the server. */
export const nftDnat = (topology: Topology, family: Family = 'ipv4'): string => {
  const server = namespaceAddress(namespaceOf(topology, topology.server.namespace), family);
  const { port } = topology.server;
  return nftNatRule(
    GUIDE_NFT_TABLE,
    'prerouting',
    nftDnatRule(uplinkAddress(topology, family), port, withPort(server, port), NFT[family]),
    NFT[family],
  );
};
