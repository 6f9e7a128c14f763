// The guide's two NAT rules written as a native nft ruleset (the firewall backend `nft`), in a table of the
// guide's own, so that iptables-nft's tables and Docker's are never touched. Each rule counts what it matched.
import { networkOf, parseCidr } from '../../net/ipv4.ts';
import { addressOf, namespaceOf, type Topology } from './topology.ts';

export const GUIDE_NFT_TABLE = 'netns_conformance_guide';

/** `nft -f -` input: the table and one NAT chain (adding either again is a no-op), then the rule. */
function natRule(hook: 'prerouting' | 'postrouting', rule: string): string {
  const priority = hook === 'prerouting' ? 'dstnat' : 'srcnat';
  return [
    `add table ip ${GUIDE_NFT_TABLE}`,
    `add chain ip ${GUIDE_NFT_TABLE} ${hook} { type nat hook ${hook} priority ${priority}; policy accept; }`,
    `add rule ip ${GUIDE_NFT_TABLE} ${hook} ${rule}`,
    '',
  ].join('\n');
}

/** Masquerade the bridge's network leaving the host anywhere but the bridge (iptables: -s NET ! -o br0 -j MASQUERADE). */
export const nftMasquerade = (topology: Topology): string =>
  natRule('postrouting', `ip saddr ${networkOf(parseCidr(topology.bridge.address)!)} oifname != ${JSON.stringify(topology.bridge.name)} counter masquerade`);

/** DNAT the host's public address and port to the server (iptables: -d UPLINK -p tcp --dport P -j DNAT --to-destination). */
export const nftDnat = (topology: Topology): string => {
  const server = addressOf(namespaceOf(topology, topology.server.namespace).address);
  const { port } = topology.server;
  return natRule('prerouting', `ip daddr ${addressOf(topology.uplink.address)} tcp dport ${port} counter dnat to ${server}:${port}`);
};
