// Docker's rules after its containers start, normalised so that two runs of one version print the same text:
// no comments, counters or handles. The addresses are Docker's own and stable (172.17.0.2 and .3). A dual-stack
// run (dockerd with IPv6 on) has golden files of its own, with ip6tables-save beside iptables-save.
import type { Host } from '../../hosts/host.ts';
import type { World } from '../../world/world.ts';

const saved = (text: string) =>
  text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');

export async function dockerRulesets(host: Host, world: World): Promise<Record<string, string>> {
  const dualStack = world.families.includes('ipv6');
  const [v4, v6, nft] = await Promise.all([
    host.exec(['iptables-save']),
    dualStack ? host.exec(['ip6tables-save']) : undefined,
    host.exec(['nft', 'list', 'ruleset']),
  ]);
  const rulesets: Record<string, string> = {
    'iptables-save': saved(v4.stdout),
    ...(v6 ? { 'ip6tables-save': saved(v6.stdout) } : {}),
    nft: nft.stdout
      // a rule that starts with its counter has no space before it
      .replace(/\bcounter packets \d+ bytes \d+/g, 'counter')
      .replace(/ # handle \d+/g, '')
      .trimEnd(),
  };
  const prefix = dualStack ? 'dual-stack.' : '';
  return Object.fromEntries(Object.entries(rulesets).map(([name, text]) => [`${prefix}${name}`, text]));
}
