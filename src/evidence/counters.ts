// Rule counters from `iptables-save -c`: proof that a rule matched (or did not) the packets of a probe.
import type { Host } from '../hosts/host.ts';
import type { IptablesCommand } from '../net/firewall.ts';

export interface RuleCounter {
  chain: string;
  /** the rule as iptables-save prints it after "-A CHAIN " */
  rule: string;
  packets: number;
  bytes: number;
}

export async function ruleCounters(host: Host, iptables: IptablesCommand, table: string): Promise<RuleCounter[]> {
  const { stdout } = await host.exec([`${iptables}-save`, '-c', '-t', table]);
  return stdout.split('\n').flatMap((line) => {
    const match = /^\[(\d+):(\d+)\] -A (\S+) (.*)$/.exec(line);
    return match ? [{ packets: Number(match[1]), bytes: Number(match[2]), chain: match[3]!, rule: match[4]! }] : [];
  });
}

/** One iptables rule, as added (the words after "-A CHAIN"), in one table of one iptables. */
export interface RuleRef {
  iptables: IptablesCommand;
  table: string;
  chain: string;
  rule: string[];
}

/** Packets matched so far by the rule (as added); undefined when no such rule exists. */
export async function rulePackets(host: Host, { iptables, table, chain, rule: words }: RuleRef): Promise<number | undefined> {
  const rules = await ruleCounters(host, iptables, table);
  return rules.find((rule) => rule.chain === chain && sameRule(rule.rule, words))?.packets;
}

/** 'raw PREROUTING "-d 172.17.0.2/32 ! -i docker0 -j DROP"' */
export function describeRule({ table, chain, rule }: RuleRef): string {
  return `${table} ${chain} "${rule.join(' ')}"`;
}

// iptables-save normalises a rule (adds /32 and the implicit "-m tcp" of "-p tcp", may reorder), so compare the
// words without those, ignoring order.
function sameRule(saved: string, words: string[]): boolean {
  const normal = (text: string) =>
    text.replace(/\/32\b/g, '').replace(/-m (tcp|udp|icmp)\b/g, '').split(/\s+/).filter(Boolean).sort().join(' ');
  return normal(saved) === normal(words.join(' '));
}

/** A built-in chain's policy and the packets it has decided so far: ":FORWARD DROP [12:1008]". */
export async function chainPolicy(host: Host, iptables: IptablesCommand, table: string, chain: string): Promise<{ policy: string; packets: number } | undefined> {
  const { stdout } = await host.exec([`${iptables}-save`, '-c', '-t', table]);
  const match = new RegExp(`^:${chain} (\\S+) \\[(\\d+):\\d+\\]$`, 'm').exec(stdout);
  return match ? { policy: match[1]!, packets: Number(match[2]) } : undefined;
}
