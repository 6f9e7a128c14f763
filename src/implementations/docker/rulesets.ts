// Docker's rules after its containers start, normalised so that two runs of one version print the same text:
// no comments, counters or handles. The addresses are Docker's own and stable (172.17.0.2 and .3).
import type { Host } from '../../hosts/host.ts';

export async function dockerRulesets(host: Host): Promise<Record<string, string>> {
  const [saved, nft] = await Promise.all([host.exec(['iptables-save']), host.exec(['nft', 'list', 'ruleset'])]);
  return {
    'iptables-save': saved.stdout
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.replace(/ \[\d+:\d+\]$/, ''))
      .join('\n'),
    nft: nft.stdout
      .replace(/ counter packets \d+ bytes \d+/g, ' counter')
      .replace(/ # handle \d+/g, '')
      .trimEnd(),
  };
}
