// A failing probe run once more with evidence armed: every rule's counter before and after (which DROP or
// REJECT rule, or which chain's DROP policy, took the packets; which NAT rule never matched, or where one sent
// them), captures at each point of its path (where its packets were last seen), and an nft trace when nft
// tables beside the cell's iptables rules have chains on a hook (which of their chains dropped them).
import { capture, pointKey, type Packet } from '../evidence/capture.ts';
import { mayMatchDestination, mayMatchPort, mayMatchProtocol, PROTOCOL_OF } from './rule-may-match.ts';
import type { NatTarget } from '../evidence/counters.ts';
import type { Host } from '../hosts/host.ts';
import type { Firewall } from '../net/firewall.ts';
import { familyOf } from '../world/world.ts';
import type { ProbeResult, ProbeSpec } from '../probes/outcome.ts';
import { probe } from '../probes/probe.ts';
import { withForeignTrace } from './foreign-tables.ts';
import type { PathPoint } from './path.ts';
import { countedDrops, dialectOf, movedBetween, type Moved, type RuleDialect } from './rule-dialect.ts';

const RERUN_DEADLINE_MS = 1_000;

export interface Rerun {
  result: ProbeResult;
  /** "dropped in filter FORWARD by rule 1 "-p icmp -j DROP"", "dropped by filter FORWARD's policy DROP" */
  drops: string[];
  /** the NAT the probe needed: missing, or its rules did not match this probe */
  nat: string[];
  /** the NAT rules of the kind the probe needed that matched it, with where they sent it */
  translated: Translation[];
  /** packets seen per path point, in path order */
  seen: Array<{ label: string; captured: Packet[] }>;
}

/** A NAT rule that matched the probe: 'nat PREROUTING rule 1 "…"', its target, the packets it matched. */
export interface Translation {
  rule: string;
  target: NatTarget;
  packets: number;
}

/** The NAT a probe needs on its way: source NAT out of the uplink, destination NAT in from it. */
export type NatNeed = 'source' | 'destination' | undefined;
/**
 * The NAT a probe needed: missing, or never matched (said only when nothing dropped the packet before it got
 * there).
 */
function natFindings(dialect: RuleDialect, need: NatNeed, moved: Moved[], dropped: boolean, spec: ProbeSpec): string[] {
  if (!need) return [];
  // a source NAT aimed at another destination (a hairpin rule) is not the one this probe needed
  const ofKind = moved.filter(
    ({ line }) => line.nat?.kind === need && (need !== 'source' || mayMatchDestination(line.text, spec.to)),
  );
  // nor is a rule for another protocol (a TCP port's DNAT, for a UDP probe) or port (a range's other DNAT)
  const protocol = PROTOCOL_OF[spec.kind];
  const rules = ofKind.filter(
    ({ line }) => mayMatchProtocol(line.text, protocol) && mayMatchPort(line.text, spec.port),
  );
  // the rules there being for another protocol, the one missing is named with its own
  if (rules.length === 0) return [dialect.noNat(need, ofKind.length ? ` for ${protocol}` : '')];
  if (dropped || rules.some(({ delta }) => delta > 0)) return [];
  return rules.map(({ line }) => `nat ${line.chain} rule ${line.position} "${line.text}" never matched`);
}

/** The NAT rules of the needed kind that matched the probe and name a target (MASQUERADE names none). */
function translations(need: NatNeed, moved: Moved[]): Translation[] {
  if (!need) return [];
  return moved.flatMap(({ line, delta }) => {
    const target = delta > 0 && line.nat?.kind === need ? line.nat.target : undefined;
    const rule = `${line.table} ${line.chain} rule ${line.position} "${line.text}"`;
    return target ? [{ rule, target, packets: delta }] : [];
  });
}

/**
 * The pcap filter for a probe's packets: UDP, TCP (also under HTTP), or ICMP of the probe's family. In IPv6 only
 * echoes and errors (types up to 129): neighbour discovery and multicast listener reports are ICMPv6 too, and not
 * the probe's.
 */
export function probeFilter(kind: ProbeSpec['kind'], to: string): string[] {
  if (kind === 'udp') return ['udp'];
  if (kind !== 'ping') return ['tcp'];
  return familyOf(to) === 'ipv6' ? ['icmp6', 'and', 'ip6[40]', '<=', '129'] : ['icmp'];
}

export async function rerun(
  host: Host,
  spec: ProbeSpec,
  firewall: Firewall,
  path: readonly PathPoint[],
  nat: NatNeed,
): Promise<Rerun> {
  const dialect = dialectOf(firewall, familyOf(spec.to));
  const before = await dialect.read(host);
  const filter = probeFilter(spec.kind, spec.to);
  // the first run already waited its full deadline; here a second is plenty for an answer on a virtual link
  const timeoutMs = Math.min(spec.timeoutMs ?? RERUN_DEADLINE_MS, RERUN_DEADLINE_MS);
  const probed = () => probe(host, { ...spec, timeoutMs });
  const captured = () => capture(host, [...path], filter, probed);
  const {
    result: { result, packets },
    drops: foreignDrops,
  } = await withForeignTrace(host, firewall, spec, captured);
  const moved = movedBetween(before, await dialect.read(host));
  const drops = [...countedDrops(moved), ...foreignDrops];
  const seen = path.map((point) => ({ label: point.label, captured: packets[pointKey(point)] ?? [] }));
  const translated = translations(nat, moved);
  return { result, drops, nat: natFindings(dialect, nat, moved, drops.length > 0, spec), translated, seen };
}

/** "last seen on br0, never on eth0, internet/isp0"; "seen on every point of its path: …" */
export function describeSeen(seen: Rerun['seen']): string | undefined {
  if (seen.length === 0) return undefined;
  const last = seen.map((point) => point.captured.length > 0).lastIndexOf(true);
  if (last === -1) return `never seen on ${seen.map((point) => point.label).join(', ')}`;
  const never = seen.slice(last + 1).map((point) => point.label);
  return never.length
    ? `last seen on ${seen[last]!.label}, never on ${never.join(', ')}`
    : `seen on every point of its path (${seen.map((point) => `${point.label} ${point.captured.length}`).join(', ')})`;
}
