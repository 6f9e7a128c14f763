// Rule counters from `iptables-save -c`: proof that a rule matched (or did not) the packets of a probe.
import type { Host } from '../hosts/host.ts';
import type { Ip6tablesCommand, IptablesCommand } from '../net/firewall.ts';

/** the iptables of either family: its rules and counters read alike */
type AnyIptables = IptablesCommand | Ip6tablesCommand;

/** One counted line of `iptables-save -c`: a rule, or a built-in chain's policy, with its position in its chain. */
export interface Counted {
  table: string;
  chain: string;
  /** 1-based position among the chain's rules; 0 for the policy */
  position: number;
  /** the rule as iptables-save prints it after "-A CHAIN ", or the policy ("DROP") */
  text: string;
  packets: number;
}

/** Where a NAT rule sends what it matches: its new destination, or its new source (port: unchanged if absent). */
export interface NatTarget {
  address: string;
  port?: number;
}

/** What a counted rule does to the packets it counts: drop them, or translate their source or destination. */
export interface RuleMeaning {
  drops: boolean;
  /** target: where it sends them; none for a masquerade, which takes the outgoing link's own address */
  nat?: { kind: 'source' | 'destination'; target?: NatTarget };
}

/** Every counted rule and policy of an `iptables-save -c` output, in its order. */
export function countedLines(saved: string): Counted[] {
  const lines: Counted[] = [];
  let table = '';
  const positions = new Map<string, number>();
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    const policy = /^:(\S+) (ACCEPT|DROP) \[(\d+):\d+\]$/.exec(line);
    if (policy) lines.push({ table, chain: policy[1]!, position: 0, text: policy[2]!, packets: Number(policy[3]) });
    const rule = /^\[(\d+):\d+\] -A (\S+) (.*)$/.exec(line);
    if (rule) {
      const key = `${table} ${rule[2]}`;
      positions.set(key, (positions.get(key) ?? 0) + 1);
      lines.push({ table, chain: rule[2]!, position: positions.get(key)!, text: rule[3]!, packets: Number(rule[1]) });
    }
  }
  return lines;
}

/** The counted rules and policies of one table of one iptables. */
export async function countedTable(host: Host, iptables: AnyIptables, table: string): Promise<Counted[]> {
  return countedLines((await host.exec([`${iptables}-save`, '-c', '-t', table])).stdout);
}

/** One iptables rule, as added (the words after "-A CHAIN"), in one table of one iptables. */
export interface RuleRef {
  iptables: AnyIptables;
  table: string;
  chain: string;
  rule: string[];
}

/** Packets matched so far by the rule (as added); undefined when no such rule exists. */
export async function rulePackets(
  host: Host,
  { iptables, table, chain, rule: words }: RuleRef,
): Promise<number | undefined> {
  const lines = await countedTable(host, iptables, table);
  return lines.find((line) => line.position > 0 && line.chain === chain && sameRule(line.text, words))?.packets;
}

/** 'raw PREROUTING "-d 172.17.0.2/32 ! -i docker0 -j DROP"' */
export function describeRule({ table, chain, rule }: RuleRef): string {
  return `${table} ${chain} "${rule.join(' ')}"`;
}

// iptables-save normalises a rule (adds /32 and the implicit "-m tcp" of "-p tcp", may reorder), so compare the
// words without those, ignoring order.
function sameRule(saved: string, words: string[]): boolean {
  const normal = (text: string) =>
    text
      .replace(/\/32\b/g, '')
      .replace(/-m (tcp|udp|icmp)\b/g, '')
      .split(/\s+/)
      .filter(Boolean)
      .sort()
      .join(' ');
  return normal(saved) === normal(words.join(' '));
}

/** A built-in chain's policy and the packets it has decided so far: ":FORWARD DROP [12:1008]". */
export async function chainPolicy(
  host: Host,
  iptables: IptablesCommand,
  table: string,
  chain: string,
): Promise<{ policy: string; packets: number } | undefined> {
  const policy = (await countedTable(host, iptables, table)).find(
    (line) => line.position === 0 && line.chain === chain,
  );
  return policy && { policy: policy.text, packets: policy.packets };
}
