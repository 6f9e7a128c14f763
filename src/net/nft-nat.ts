// NAT as native nft rules (the firewall backend `nft`), each in a table of its writer's own so that iptables-nft's
// tables and Docker's are never touched, and each rule counting what it matched (the diagnosis reads counters).

/** `nft -f -` input: the table and one NAT chain (adding either again is a no-op), then the rule. */
export function nftNatRule(table: string, hook: 'prerouting' | 'postrouting', rule: string): string {
  const priority = hook === 'prerouting' ? 'dstnat' : 'srcnat';
  return [
    `add table ip ${table}`,
    `add chain ip ${table} ${hook} { type nat hook ${hook} priority ${priority}; policy accept; }`,
    `add rule ip ${table} ${hook} ${rule}`,
    '',
  ].join('\n');
}

/** Source NAT for a network leaving anywhere but its bridge (iptables: -s NET ! -o BRIDGE -j MASQUERADE). */
export const nftMasqueradeRule = (network: string, bridge: string) =>
  `ip saddr ${network} oifname != ${JSON.stringify(bridge)} counter masquerade`;

/** A published port (iptables: -d ADDRESS -p tcp --dport PORT -j DNAT --to-destination TARGET). */
export const nftDnatRule = (address: string, port: number, target: string) =>
  `ip daddr ${address} tcp dport ${port} counter dnat to ${target}`;
