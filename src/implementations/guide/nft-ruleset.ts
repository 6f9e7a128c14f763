// The guide's two NAT rules written as a native nft ruleset (the firewall backend `nft`), in a table of its own,
// and their IPv6 twins in the ip6 table of the same name.
import { networkOf, parseCidr } from '../../net/ipv4.ts';
import { networkOf6, parseCidr6 } from '../../net/ipv6.ts';
import { nftDnatRule, nftMasqueradeRule, nftNatRule } from '../../net/nft-nat.ts';
import { uplinkAddress } from '../../world/world.ts';
import { addressOf, namespaceOf, type Topology } from './topology.ts';

export const GUIDE_NFT_TABLE = 'netns_conformance_guide';

/** Masquerade the bridge's network leaving the host anywhere but the bridge. */
export const nftMasquerade = (topology: Topology): string =>
  nftNatRule(
    GUIDE_NFT_TABLE,
    'postrouting',
    nftMasqueradeRule(networkOf(parseCidr(topology.bridge.address)!), topology.bridge.name),
  );

export const nftMasquerade6 = (topology: Topology): string =>
  nftNatRule(
    GUIDE_NFT_TABLE,
    'postrouting',
    nftMasqueradeRule(networkOf6(parseCidr6(topology.bridge.address6!)!), topology.bridge.name, 'ip6'),
    'ip6',
  );

/** DNAT the host's public address and port to the server. */
export const nftDnat = (topology: Topology): string => {
  const server = addressOf(namespaceOf(topology, topology.server.namespace).address);
  const { port } = topology.server;
  return nftNatRule(
    GUIDE_NFT_TABLE,
    'prerouting',
    nftDnatRule(addressOf(topology.uplink.address), port, `${server}:${port}`),
  );
};

export const nftDnat6 = (topology: Topology): string => {
  const server = addressOf(namespaceOf(topology, topology.server.namespace).address6!);
  const { port } = topology.server;
  return nftNatRule(
    GUIDE_NFT_TABLE,
    'prerouting',
    nftDnatRule(uplinkAddress(topology, 'ipv6'), port, `[${server}]:${port}`, 'ip6'),
    'ip6',
  );
};
