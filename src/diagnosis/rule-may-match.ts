// Whether a rule could match a probe at all, by the destination, protocol and port it names: a MASQUERADE aimed at
// one destination (a hairpin rule's `-d 10.88.0.2`, `ip daddr 10.88.0.2`) is not the source NAT a probe to the
// internet needed, and a TCP port's DNAT, or another port's of a range, is not the one a UDP probe needed, so none is
// named as the rule that "never matched" (nor a drop of another address as the one that took a probe's packets).
import { contains, parseCidr } from '../net/ipv4.ts';
import type { ProbeSpec } from '../probes/outcome.ts';
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

/** iptables' `-p tcp` (not negated) or nft's `tcp dport`, `udp sport`, `meta l4proto tcp` … */
const PROTOCOL = /(?:(?<!! )-p (\w+)|\b(tcp|udp|sctp) [sd]port\b|\bl4proto (?!!=)(\w+))/;

/** ICMP's names in rules, of either family: an echo probe's protocol is one of these */
const ICMP = ['icmp', 'icmpv6', 'ipv6-icmp', 'icmp6'];

/** protocol: the probe's, as the rules name it: icmp (either family's), tcp, udp */
export function mayMatchProtocol(ruleText: string, protocol: string): boolean {
  const named = PROTOCOL.exec(ruleText);
  const text = named?.[1] ?? named?.[2] ?? named?.[3];
  return !text || text === protocol || (protocol === 'icmp' && ICMP.includes(text));
}

/** iptables' `--dport 8080` or `--dport 8100:8101` (not negated), nft's `dport 8080` or `dport 8100-8101` */
const PORT = /(?:(?<!! )--dport (\d+)(?::(\d+))?|(?<=\s)dport (?!!=)(\d+)(?:-(\d+))?)/;

/** port: the probe's destination port; a rule for another port (a range's other DNAT) cannot match it */
export function mayMatchPort(ruleText: string, port: number | undefined): boolean {
  const named = PORT.exec(ruleText);
  if (!named || port === undefined) return true;
  const from = Number(named[1] ?? named[3]);
  const to = Number(named[2] ?? named[4] ?? from);
  return port >= from && port <= to;
}

/** A probe's protocol as rules name it (`-p udp`, `udp dport`); icmp stands for ICMPv6 too. */
export const PROTOCOL_OF: Record<ProbeSpec['kind'], string> = { ping: 'icmp', tcp: 'tcp', http: 'tcp', udp: 'udp' };

/** Whether a rule could match a probe's packets, by the destination, protocol and port it names. */
export const mayMatchProbe = (ruleText: string, spec: ProbeSpec): boolean =>
  mayMatchDestination(ruleText, spec.to) &&
  mayMatchProtocol(ruleText, PROTOCOL_OF[spec.kind]) &&
  mayMatchPort(ruleText, spec.port);
