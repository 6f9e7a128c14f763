// A negative proven by the rule that dropped its packets, not by silence alone: a named rule's counter (Docker
// 28's raw PREROUTING DROP for a container's address), or whichever rule or policy of the cell's firewall counted
// them (ANY_DROP: an implementation's isolation, whatever its version calls its chains; in a native nft ruleset,
// the kernel's trace of the probe's packets). The probe runs alone meanwhile, so that no other packet moves the
// counters.
import { cellState, linkWithAddress } from '../diagnosis/cell-state.ts';
import { probeFilter } from '../diagnosis/rerun.ts';
import { dropsDuring } from '../diagnosis/rule-dialect.ts';
import { capture, pointKey } from '../evidence/capture.ts';
import { describeRule, rulePackets, type RuleRef } from '../evidence/counters.ts';
import type { Host } from '../hosts/host.ts';
import type { Firewall } from '../net/firewall.ts';
import type { ProbeResult, ProbeSpec } from '../probes/outcome.ts';
import type { Workload } from '../roles/roles.ts';
import { ANY_DROP } from './properties.ts';

export interface DropMatch {
  /** the counters show the drop */
  proven: boolean;
  /** what they showed, for the row: 'raw PREROUTING "…" matched 1 packet(s)', 'dropped in filter FORWARD by …' */
  evidence: string;
  /** why an outcome as expected is not proven so */
  notProven: string;
}

/** The probe `run`, and what the counters of `droppedBy` say about its packets. */
export async function withDropEvidence(
  host: Host,
  droppedBy: RuleRef | typeof ANY_DROP,
  firewall: Firewall,
  spec: ProbeSpec,
  run: () => Promise<ProbeResult>,
  sourceAddress?: string,
): Promise<{ result: ProbeResult; match: DropMatch }> {
  if (droppedBy === ANY_DROP) {
    const { result, drops } = await dropsDuring(host, firewall, spec, run, sourceAddress);
    const none =
      firewall === 'nft'
        ? 'the nft trace saw no rule or policy drop its packets'
        : `no rule or policy of ${firewall} counted its packets`;
    return {
      result,
      match: {
        proven: drops.length > 0,
        evidence: drops.length ? drops.join(', ') : none,
        notProven: `${none}, so something else dropped them`,
      },
    };
  }
  const before = await rulePackets(host, droppedBy);
  const result = await run();
  const after = await rulePackets(host, droppedBy);
  const packets = before === undefined || after === undefined ? undefined : after - before;
  const rule = describeRule(droppedBy);
  return {
    result,
    match: {
      proven: (packets ?? 0) > 0,
      evidence: packets === undefined ? `no rule ${rule}` : `${rule} matched ${packets} packet(s)`,
      notProven:
        `not because of ${rule}: ` +
        (packets === undefined ? 'that rule does not exist' : 'its counter did not move, so something else dropped it'),
    },
  };
}

/** "dropped by raw PREROUTING "…"", "dropped by a rule or policy of the cell" */
export const describeDroppedBy = (droppedBy: RuleRef | typeof ANY_DROP): string =>
  `dropped by ${droppedBy === ANY_DROP ? ANY_DROP : describeRule(droppedBy)}`;

/** The probe `run`, and whether its request was captured arriving at `target`'s interface. */
export async function withDeliveryEvidence(
  host: Host,
  target: Workload,
  spec: ProbeSpec,
  run: () => Promise<ProbeResult>,
): Promise<{ result: ProbeResult; match: DropMatch }> {
  const iface = await linkWithAddress(cellState(host), target.netns, target.address);
  if (!iface) {
    const missing = `${target.label} has no link with ${target.address}`;
    return { result: await run(), match: { proven: false, evidence: missing, notProven: missing } };
  }
  const point = { ns: target.netns, iface };
  const { result, packets } = await capture(host, [point], probeFilter(spec.kind, spec.to), run);
  const arrived = (packets[pointKey(point)] ?? []).filter((packet) => packet.dst === spec.to).length;
  const where = `${target.label}/${iface}`;
  return {
    result,
    match: {
      proven: arrived > 0,
      evidence: `${arrived} packet(s) of it captured arriving on ${where}`,
      notProven: `its request never arrived on ${where}: something dropped it, and the known fault is gone`,
    },
  };
}
