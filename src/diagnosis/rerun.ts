// A failing probe run once more with evidence armed: every rule's counter before and after (which DROP or
// REJECT rule, or which chain's DROP policy, took the packets; which NAT rule never matched) and captures at
// each point of its path (where its packets were last seen).
import { capture, pointKey } from '../evidence/capture.ts';
import { countedLines, type Counted } from '../evidence/counters.ts';
import type { Host } from '../hosts/host.ts';
import type { IptablesCommand } from '../net/firewall.ts';
import type { ProbeResult, ProbeSpec } from '../probes/outcome.ts';
import { probe } from '../probes/probe.ts';
import type { PathPoint } from './path.ts';

async function counted(host: Host, iptables: IptablesCommand): Promise<Counted[]> {
  return countedLines((await host.exec([`${iptables}-save`, '-c'], { expectExit: 'any' })).stdout);
}

const RERUN_DEADLINE_MS = 1_000;

export interface Rerun {
  result: ProbeResult;
  /** "dropped in filter FORWARD by rule 1 "-p icmp -j DROP"", "dropped by filter FORWARD's policy DROP" */
  drops: string[];
  /** the NAT the probe needed: missing, or its rules did not match this probe */
  nat: string[];
  /** packets seen per path point, in path order */
  seen: Array<{ label: string; packets: number }>;
}

/** The NAT a probe needs on its way: source NAT out of the uplink, destination NAT in from it. */
export type NatNeed = 'source' | 'destination' | undefined;
// Docker and others jump from the built-in chain to chains of their own: a NAT rule of that kind in any chain counts.
const NAT_RULES = { source: { targets: /-j (MASQUERADE|SNAT)\b/, none: 'no MASQUERADE or SNAT rule in nat POSTROUTING' }, destination: { targets: /-j DNAT\b/, none: 'no DNAT rule in nat PREROUTING' } };

/** The NAT a probe needed: missing, or never matched (said only when nothing dropped the packet before it got there). */
function natFindings(need: NatNeed, moved: Array<{ line: Counted; delta: number }>, dropped: boolean): string[] {
  if (!need) return [];
  const { targets, none } = NAT_RULES[need];
  const rules = moved.filter(({ line }) => line.table === 'nat' && targets.test(line.text));
  if (rules.length === 0) return [none];
  if (dropped || rules.some(({ delta }) => delta > 0)) return [];
  return rules.map(({ line }) => `nat ${line.chain} rule ${line.position} "${line.text}" never matched`);
}

export async function rerun(host: Host, spec: ProbeSpec, iptables: IptablesCommand, path: readonly PathPoint[], nat: NatNeed): Promise<Rerun> {
  const before = await counted(host, iptables);
  const filter = spec.kind === 'ping' ? ['icmp'] : ['tcp'];
  // the first run already waited its full deadline; here a second is plenty for an answer on a virtual link
  const { result, packets } = await capture(host, [...path], filter, () => probe(host, { ...spec, timeoutMs: Math.min(spec.timeoutMs ?? RERUN_DEADLINE_MS, RERUN_DEADLINE_MS) }));
  const after = await counted(host, iptables);
  const moved = after.map((line, index) => ({ line, delta: line.packets - (before[index]?.packets ?? 0) }));
  const drops = moved
    .filter(({ line, delta }) => delta > 0 && (line.position === 0 ? line.text === 'DROP' : /-j (DROP|REJECT)\b/.test(line.text)))
    .map(({ line, delta }) => (line.position === 0 ? `dropped by ${line.table} ${line.chain}'s policy DROP (${delta} packet(s))` : `dropped in ${line.table} ${line.chain} by rule ${line.position} "${line.text}" (${delta} packet(s))`));
  return { result, drops, nat: natFindings(nat, moved, drops.length > 0), seen: path.map((point) => ({ label: point.label, packets: packets[pointKey(point)]?.length ?? 0 })) };
}

/** "last seen on br0, never on eth0, internet/isp0"; "seen on every point of its path: …" */
export function describeSeen(seen: Rerun['seen']): string | undefined {
  if (seen.length === 0) return undefined;
  const last = seen.map((point) => point.packets > 0).lastIndexOf(true);
  if (last === -1) return `never seen on ${seen.map((point) => point.label).join(', ')}`;
  const never = seen.slice(last + 1).map((point) => point.label);
  return never.length ? `last seen on ${seen[last]!.label}, never on ${never.join(', ')}` : `seen on every point of its path (${seen.map((point) => `${point.label} ${point.packets}`).join(', ')})`;
}
