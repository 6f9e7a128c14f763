// The native nft tables beside a cell's iptables rules (`nft -j list ruleset`): another program's table with a
// chain on a hook (a forward chain with policy drop) decides packets too, but iptables-save never shows it.
import type { Host } from '../hosts/host.ts';
import type { Firewall } from '../net/firewall.ts';

/** A chain on a hook: where packets enter a table. */
export interface BaseChain {
  family: string;
  table: string;
  name: string;
  hook: string;
  policy: string;
}

interface RulesetItem {
  chain?: Partial<BaseChain> & { family: string; table: string; name: string };
}

// iptables-nft writes into nft tables of these names (ip family), ip6tables-nft into their ip6 twins; they are the
// cell's own, read with iptables-save and ip6tables-save
const IPTABLES_NFT_FAMILIES = ['ip', 'ip6'];
const IPTABLES_NFT_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];

/** Whether a table is the cell's own: its rules are read (and counted) through the cell's iptables already. */
function isCellTable(firewall: Firewall, family: string, table: string): boolean {
  return firewall === 'iptables-nft' && IPTABLES_NFT_FAMILIES.includes(family) && IPTABLES_NFT_TABLES.includes(table);
}

/** `nft -j list ruleset` as it printed it; empty when nft cannot be read (no nft, no nf_tables). */
export async function listRuleset(host: Host): Promise<string> {
  const listed = await host.exec(['nft', '-j', 'list', 'ruleset'], { expectExit: 'any' });
  return listed.exitCode === 0 ? listed.stdout : '';
}

/** The items of a listed ruleset: each is one of table, chain, rule … as its key says. */
export function rulesetItems<Item>(json: string): Item[] {
  return (JSON.parse(json || '{"nftables": []}') as { nftables: Item[] }).nftables;
}

/** The base chains of every nft table that is not the cell's own (none when nft cannot be read). */
export async function foreignBaseChains(host: Host, firewall: Firewall, ignore: string[] = []): Promise<BaseChain[]> {
  if (firewall === 'nft') return [];
  return rulesetItems<RulesetItem>(await listRuleset(host)).flatMap(({ chain }) => {
    if (!chain?.hook || ignore.includes(chain.table) || isCellTable(firewall, chain.family, chain.table)) return [];
    const { family, table, name, hook, policy = 'accept' } = chain;
    return [{ family, table, name, hook, policy }];
  });
}
