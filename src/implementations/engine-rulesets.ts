// The rules an engine leaves after its containers start, normalised so that two runs of one version print the same
// text: no comments, counters or handles. iptables-save, ip6tables-save when asked, and nft's view of everything.
import type { Host } from '../hosts/host.ts';
import { ip6tablesOf, iptablesOf, type Firewall, type IptablesCommand } from '../net/firewall.ts';

const saved = (text: string) =>
  text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');

/** firewall: the cell's, whose iptables-save and ip6tables-save are read (default: the host's own) */
export async function engineRulesets(
  host: Host,
  ip6tables: boolean,
  firewall?: Firewall,
): Promise<Record<string, string>> {
  const iptables = firewall ? iptablesOf(firewall) : 'iptables';
  const [v4, v6, nft] = await Promise.all([
    host.exec([`${iptables}-save`]),
    ip6tables ? host.exec([`${firewall ? ip6tablesOf(iptables as IptablesCommand) : 'ip6tables'}-save`]) : undefined,
    host.exec(['nft', 'list', 'ruleset']),
  ]);
  return {
    'iptables-save': saved(v4.stdout),
    ...(v6 ? { 'ip6tables-save': saved(v6.stdout) } : {}),
    nft: nft.stdout
      // a rule that starts with its counter has no space before it
      .replace(/\bcounter packets \d+ bytes \d+/g, 'counter')
      .replace(/ # handle \d+/g, '')
      .trimEnd(),
  };
}

/** The rulesets under names that say what they were made with: 'dual-stack.nft', 'nftables.nft' */
export const named = (prefix: string, rulesets: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(rulesets).map(([name, text]) => [`${prefix}${name}`, text]));
