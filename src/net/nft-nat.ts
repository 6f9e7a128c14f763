// NAT as native nft rules (the firewall backend `nft`), each in a table of its writer's own so that iptables-nft's
// tables and Docker's are never touched, and each rule counting what it matched (the diagnosis reads counters).
// IPv4 rules go in an `ip` table, IPv6 ones in an `ip6` table of the same name.

/** nft's table family, and the word its rules match addresses with */
export type NftFamily = 'ip' | 'ip6';

/** `nft -f -` input: the table and one NAT chain (adding either again is a no-op), then the rule. */
export function nftNatRule(table: string, hook: 'prerouting' | 'postrouting', rule: string, family: NftFamily = 'ip') {
  const priority = hook === 'prerouting' ? 'dstnat' : 'srcnat';
  return [
    `add table ${family} ${table}`,
    `add chain ${family} ${table} ${hook} { type nat hook ${hook} priority ${priority}; policy accept; }`,
    `add rule ${family} ${table} ${hook} ${rule}`,
    '',
  ].join('\n');
}

/** Source NAT for a network leaving anywhere but its bridge (iptables: -s NET ! -o BRIDGE -j MASQUERADE). */
export const nftMasqueradeRule = (network: string, bridge: string, family: NftFamily = 'ip') =>
  `${family} saddr ${network} oifname != ${JSON.stringify(bridge)} counter masquerade`;

/**
 * A published port (iptables: -d ADDRESS -p tcp --dport PORT -j DNAT --to-destination TARGET); the target an
 * address and a port, in IPv6 written [address]:port.
 */
export const nftDnatRule = (address: string, port: number, target: string, family: NftFamily = 'ip') =>
  `${family} daddr ${address} tcp dport ${port} counter dnat to ${target}`;
