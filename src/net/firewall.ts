// The firewall backend a host's rules are written with (NETNS_IPTABLES): which iptables binary, and so whether
// the rules land in nf_tables or in the legacy xtables tables.
export type IptablesCommand = 'iptables-nft' | 'iptables-legacy';
