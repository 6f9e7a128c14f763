// Podman's rules after its containers start (engine-rulesets.ts), named by the netavark driver that wrote them
// (podman-5.4.nftables.nft). netavark's iptables driver varies two things from run to run that say nothing about
// what it built: the container's id in its comments, and which published port's rules come first in its port
// chains (NETAVARK-DN-…, NETAVARK-HOSTPORT-DNAT; nv_…_dnat of its nftables driver). The id is replaced and those
// chains' rules are sorted. A network's chains are named from its id, which is fixed for the default network and
// random for one created (those of properties 5 and 6): theirs are named by their place instead.
import type { Host } from '../../hosts/host.ts';
import { engineRulesets, named } from '../engine-rulesets.ts';

const PORT_CHAIN = /^(NETAVARK-(DN-[0-9A-F]+|HOSTPORT-DNAT)|nv_\w+_dnat)$/;
/** the default network's id, as its chains carry it (NETAVARK-1D8721804F16F, nv_2f259bab_…) */
const DEFAULT_NETWORK = /^(1D8721804F16F|2f259bab)$/;
const withoutIds = (text: string) =>
  text
    .replace(/\b[0-9a-f]{64}\b/g, '<container id>')
    .replace(/\b(NETAVARK-(?:DN-)?)([0-9A-F]{13})\b|\b(nv_)([0-9a-f]{8})_/g, (name, iptables, id, nft, short) =>
      DEFAULT_NETWORK.test(id ?? short) ? name : iptables ? `${iptables}<network id>` : `${nft}<network id>_`,
    );

/** iptables-save: the -A lines of a port chain, sorted where they stand */
function sortedSave(text: string): string {
  const lines = text.split('\n');
  const inPortChain = (line: string) => line.startsWith('-A ') && PORT_CHAIN.test(line.split(' ')[1]!);
  const sorted = lines.filter(inPortChain).sort();
  return lines.map((line) => (inPortChain(line) ? sorted.shift()! : line)).join('\n');
}

/** nft list ruleset: the rules inside a port chain's block, sorted */
function sortedNft(text: string): string {
  return text.replace(/(chain (\S+) \{\n)([^}]*)(\n\t\})/g, (block, head: string, name: string, body: string, end) =>
    PORT_CHAIN.test(name) ? `${head}${body.split('\n').sort().join('\n')}${end}` : block,
  );
}

/** The two views of netavark's rules with what varies between runs taken out. */
export function normalisedRules(save: string, nft: string): { 'iptables-save': string; nft: string } {
  return { 'iptables-save': sortedSave(withoutIds(save)), nft: sortedNft(withoutIds(nft)) };
}

export async function podmanRulesets(host: Host, driver: string): Promise<Record<string, string>> {
  // its default network has no IPv6: no ip6tables rules to keep
  const { 'iptables-save': save, nft } = await engineRulesets(host, false);
  return named(`${driver}.`, normalisedRules(save!, nft!));
}
