// How a firewall backend's rules are read with their counters, and what each does (drops, translates): the
// evidence a diagnosis re-run reads around a probe, and a negative check proven by whichever rule dropped it.
import { countedLines, type Counted, type RuleMeaning } from '../evidence/counters.ts';
import type { Host } from '../hosts/host.ts';
import { nftCountedRules } from '../evidence/nft-counters.ts';
import { traced, type TracedDrop } from '../evidence/nft-trace.ts';
import { iptablesIn, iptablesOf, type Firewall, type Ip6tablesCommand, type IptablesCommand } from '../net/firewall.ts';
import { familyOf, type Family } from '../world/world.ts';
import type { ProbeSpec } from '../probes/outcome.ts';
import { mayMatchProbe } from './rule-may-match.ts';

/** A counted rule or policy and what it does. */
export type Rule = Counted & RuleMeaning;

/** How a firewall backend's rules are read, with their counters and what each does. */
export interface RuleDialect {
  read(host: Host): Promise<Rule[]>;
  /** what to say when the ruleset has no rule of the NAT a probe needs (for its protocol: " for udp") */
  noNat(need: 'source' | 'destination', forProtocol: string): string;
}

// iptables: Docker and others jump from the built-in chain to chains of their own, so a NAT rule of that kind in
// any chain of the nat table counts.
const IPTABLES_NAT = { MASQUERADE: 'source', SNAT: 'source', DNAT: 'destination' } as const;
// IPv4 10.88.0.2:5000; IPv6 [fd00:88::2]:5000, or fd00:88::2 without a port
const TO = /--to-(?:destination|source) (?:\[([\da-f:]+)\]|([\d.]+|[\da-f:]+))(?:-[\d.]+)?(?::(\d+))?/;

/** What an iptables-save line does, from its words: "-j DROP", "-j DNAT --to-destination 10.88.0.2:5000" … */
function iptablesMeaning(line: Counted): RuleMeaning {
  const drops = line.position === 0 ? line.text === 'DROP' : /-j (DROP|REJECT)\b/.test(line.text);
  const jump = /-j (MASQUERADE|SNAT|DNAT)\b/.exec(line.text)?.[1] as keyof typeof IPTABLES_NAT | undefined;
  if (line.table !== 'nat' || !jump) return { drops };
  const to = TO.exec(line.text);
  const target = to && { address: (to[1] ?? to[2])!, ...(to[3] ? { port: Number(to[3]) } : {}) };
  return { drops, nat: { kind: IPTABLES_NAT[jump], ...(target ? { target } : {}) } };
}

/** iptables' rules, or for an IPv6 probe ip6tables' (their tables named so: "ip6tables filter FORWARD") */
const iptablesDialect = (iptables: IptablesCommand | Ip6tablesCommand): RuleDialect => {
  const tool = iptables.startsWith('ip6') ? 'ip6tables ' : '';
  const nat = `${tool}nat`;
  return {
    read: async (host) => {
      const saved = await host.exec([`${iptables}-save`, '-c'], { expectExit: 'any' });
      return countedLines(saved.stdout).map((line) => ({
        ...line,
        ...iptablesMeaning(line),
        table: `${tool}${line.table}`,
      }));
    },
    noNat: (need, forProtocol) =>
      need === 'source'
        ? `no MASQUERADE or SNAT rule${forProtocol} in ${nat} POSTROUTING`
        : `no DNAT rule${forProtocol} in ${nat} PREROUTING`,
  };
};

/** The nft tables that can translate a probe of a family: its own family's, and inet's (both). */
const NFT_FAMILIES: Record<Family, string[]> = { ipv4: ['ip', 'inet'], ipv6: ['ip6', 'inet'] };

// a native nft ruleset: any table of the probe's family may translate; only rules with a counter say what they
// matched
const nftDialect = (family: Family): RuleDialect => ({
  read: async (host) =>
    (await nftCountedRules(host)).filter(
      (rule) => !rule.nat || NFT_FAMILIES[family].includes(rule.table.split(' ')[0]!),
    ),
  noNat: (need, forProtocol) =>
    `no counted ${need === 'source' ? 'masquerade or snat' : 'dnat'} rule${forProtocol} in the nft ruleset` +
    (family === 'ipv6' ? ' for IPv6' : ''),
});

export const dialectOf = (firewall: Firewall, family: Family): RuleDialect => {
  if (firewall === 'nft') return nftDialect(family);
  return iptablesDialect(iptablesIn(iptablesOf(firewall), family));
};

/** A counted line and how many packets it took between two readings. */
export type Moved = { line: Rule; delta: number };

/** Each line of a later reading, with how many packets it took since the earlier one. */
export const movedBetween = (before: readonly Rule[], after: readonly Rule[]): Moved[] =>
  after.map((line, index) => ({ line, delta: line.packets - (before[index]?.packets ?? 0) }));

/** "dropped in filter FORWARD by rule 1 "-j DROP" (1 packet(s))", "dropped by filter FORWARD's policy DROP (…)" */
export const countedDrops = (moved: readonly Moved[]): string[] =>
  moved
    .filter(({ line, delta }) => delta > 0 && line.drops)
    .map(({ line, delta }) =>
      line.position === 0
        ? `dropped by ${line.table} ${line.chain}'s policy DROP (${delta} packet(s))`
        : `dropped in ${line.table} ${line.chain} by rule ${line.position} "${line.text}" (${delta} packet(s))`,
    );

/**
 * The probe `during` runs, and the drops the cell's rules and policies of its family counted meanwhile: those that
 * could match its packets (a rule for another address or protocol counted another packet). A native nft ruleset's
 * rules need not have counters, and a chain's policy drop is counted nowhere: there the kernel's trace of the
 * probe's own packets says which chain dropped them. sourceAddress: where they come from, when the probe's spec
 * does not say (a workload's own address).
 */
export async function dropsDuring<T>(
  host: Host,
  firewall: Firewall,
  spec: ProbeSpec,
  during: () => Promise<T>,
  sourceAddress = spec.source,
): Promise<{ result: T; drops: string[] }> {
  if (firewall === 'nft') {
    // its packets, and those it sends first, such as a neighbour solicitation to a multicast address
    const { result, drops } = await traced(host, [spec.to, ...(sourceAddress ? [sourceAddress] : [])], during);
    return { result, drops: drops.map(describeTraced) };
  }
  const dialect = dialectOf(firewall, familyOf(spec.to));
  const before = await dialect.read(host);
  const result = await during();
  const moved = movedBetween(before, await dialect.read(host));
  return { result, drops: countedDrops(moved.filter(({ line }) => mayMatchProbe(line.text, spec))) };
}

/** 'dropped in inet netavark FORWARD by rule "…" (1 packet(s) in the nft trace)', or by its chain's policy */
function describeTraced({ family, table, chain, rule, packets }: TracedDrop): string {
  const evidence = `${packets} packet(s) in the nft trace`;
  return rule === undefined
    ? `dropped by ${family} ${table} ${chain}'s policy drop (${evidence})`
    : `dropped in ${family} ${table} ${chain} by rule "${rule}" (${evidence})`;
}
