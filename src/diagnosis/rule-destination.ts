// Whether a NAT rule could match a probe at all, by the destination it names: a MASQUERADE aimed at one
// destination (a hairpin rule's `-d 10.88.0.2`, `ip daddr 10.88.0.2`) is not the source NAT a probe to the
// internet needed, so it is not named as the rule that "never matched".
import { contains, parseCidr } from '../net/ipv4.ts';
import { contains6, parseCidr6 } from '../net/ipv6.ts';

/** iptables' `-d CIDR` (not negated) or nft's `ip daddr X` / `ip6 daddr X` (not `!=`) */
const DESTINATION = /(?:(?<!! )-d (\S+)|\bip6? daddr (?!!=)(\S+))/;

export function mayMatchDestination(ruleText: string, to: string): boolean {
  const named = DESTINATION.exec(ruleText);
  const text = named?.[1] ?? named?.[2];
  if (!text) return true;
  const withPrefix = text.includes('/') ? text : `${text}/${to.includes(':') ? 128 : 32}`;
  const v4 = parseCidr(withPrefix);
  if (v4) return !to.includes(':') && contains(v4, to);
  const v6 = parseCidr6(withPrefix);
  if (v6) return to.includes(':') && contains6(v6, to);
  return true; // a set or a name: it may
}
