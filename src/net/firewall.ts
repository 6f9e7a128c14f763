// The firewall backends rules are written with: iptables through nf_tables (iptables-nft), the legacy xtables
// tables (iptables-legacy), or a native nft ruleset (nft). A run's cells take one each (NETNS_FIREWALLS).
export type IptablesCommand = 'iptables-nft' | 'iptables-legacy';
export type Firewall = IptablesCommand | 'nft';
export const FIREWALLS: readonly Firewall[] = ['iptables-nft', 'iptables-legacy', 'nft'];

/**
 * The iptables that reads a cell's rules and counters for evidence: the one it wrote with; for native nft,
 * iptables-nft (it shows the xtables-compatible tables, and an implementation's own nft tables are read with nft).
 */
export const iptablesOf = (firewall: Firewall): IptablesCommand => (firewall === 'nft' ? 'iptables-nft' : firewall);

/** The IPv6 twin of an iptables command, on the same backend: ip6tables-nft, ip6tables-legacy. */
export type Ip6tablesCommand = 'ip6tables-nft' | 'ip6tables-legacy';
export const ip6tablesOf = (iptables: IptablesCommand): Ip6tablesCommand =>
  iptables === 'iptables-nft' ? 'ip6tables-nft' : 'ip6tables-legacy';

/** The iptables command for a family's rules: the command itself for IPv4, its twin for IPv6. */
export const iptablesIn = (iptables: IptablesCommand, family: 'ipv4' | 'ipv6'): IptablesCommand | Ip6tablesCommand =>
  family === 'ipv6' ? ip6tablesOf(iptables) : iptables;
