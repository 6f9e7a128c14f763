// Runs a property table in a host: starts the responders it needs, runs its probes one after the other (so
// counters and captures stay attributable), stops the responders, and turns each observation into a row.
import type { Host } from '../hosts/host.ts';
import { describeOutcome, describeProbe, type ProbeResult } from '../probes/outcome.ts';
import { probe } from '../probes/probe.ts';
import { startResponder } from '../probes/responder.ts';
import type { Cell, ResultRow } from '../results/row.ts';
import type { Roles } from '../roles/roles.ts';
import { diagnose, type DiagnosisContext } from '../diagnosis/diagnose.ts';
import { explain } from './explain.ts';
import { describeRule, rulePackets, type RuleRef } from '../evidence/counters.ts';
import type { Check, PropertyTable } from './properties.ts';

export interface Judgement {
  check: Check;
  result: ProbeResult;
  row: ResultRow;
}

/**
 * A drop that a named rule must count is decided by that counter, not by waiting out a full deadline: a request
 * the rule dropped cannot be answered, and the check passes only if the counter moved. The short deadline only
 * bounds how long the probe waits for what cannot come (replies on these virtual links take milliseconds).
 */
const EVIDENCE_DEADLINE_MS = 300;
const decidedByEvidence = (check: Check) => check.droppedBy !== undefined && check.expect === 'timeout';

/** diagnosis: given, each failed check is run again with evidence armed and its row's `why` names the cause. */
export async function judge(host: Host, table: PropertyTable, roles: Roles, cell: Cell, diagnosis?: DiagnosisContext): Promise<Judgement[]> {
  const responders = [];
  try {
    for (const { ns, port } of table.responders) responders.push(await startResponder(host, ns, port));
    const judgements: Judgement[] = [];
    for (const check of table.checks) {
      const before = check.droppedBy && (await rulePackets(host, check.droppedBy));
      const result = await probe(host, decidedByEvidence(check) ? { ...check.probe, timeoutMs: EVIDENCE_DEADLINE_MS } : check.probe);
      const matched = check.droppedBy && ruleMatched(check.droppedBy, before, await rulePackets(host, check.droppedBy));
      const judged = row(check, result, roles, cell, matched);
      if (judged.verdict === 'fail' && diagnosis) judged.why = await diagnosed(host, check, roles, diagnosis, judged.why!);
      judgements.push({ check, result, row: judged });
    }
    return judgements;
  } finally {
    await Promise.allSettled(responders.map((responder) => responder.stop()));
  }
}

/** The cause the diagnosis names, or else what the probe itself tells (`explained`), with the packets' path. */
async function diagnosed(host: Host, check: Check, roles: Roles, diagnosis: DiagnosisContext, explained: string): Promise<string> {
  try {
    const { causes, seen } = await diagnose(host, check.probe, roles, diagnosis);
    return [...(causes.length ? causes : [explained]), ...(seen ? [seen] : [])].join('; ');
  } catch (error) {
    return `${explained} (the diagnosis could not run: ${(error as Error).message.split('\n')[0]})`;
  }
}

export function expectedText(check: Check): string {
  const dropped = check.droppedBy ? `, dropped by ${describeRule(check.droppedBy)}` : '';
  return `${check.expect}${check.seenAs ? `, seen as ${check.seenAs}` : ''}${dropped}`;
}

/** How a rule's counter moved during one probe: the evidence for a drop. */
interface RuleMatch {
  rule: RuleRef;
  /** packets it matched during the probe; undefined: the rule does not exist */
  packets: number | undefined;
}

function ruleMatched(rule: RuleRef, before: number | undefined, after: number | undefined): RuleMatch {
  return { rule, packets: before === undefined || after === undefined ? undefined : after - before };
}

function row(check: Check, result: ProbeResult, roles: Roles, cell: Cell, matched?: RuleMatch): ResultRow {
  const { outcome } = result;
  const seenAs = outcome.kind === 'reachable' ? outcome.seenAs : undefined;
  const dropProven = matched === undefined || (matched.packets ?? 0) > 0;
  const pass = outcome.kind === check.expect && (check.seenAs === undefined || seenAs === check.seenAs) && dropProven;
  const evidence = matched ? `; ${matched.packets === undefined ? `no rule ${describeRule(matched.rule)}` : `${describeRule(matched.rule)} matched ${matched.packets} packet(s)`}` : '';
  const why = outcome.kind === check.expect && !dropProven ? `${describeOutcome(outcome)} as expected, but not because of ${describeRule(matched!.rule)}: ${matched!.packets === undefined ? 'that rule does not exist' : 'its counter did not move, so something else dropped it'}` : explain(check, outcome, roles);
  return {
    ...cell,
    property: check.property,
    probe: describeProbe(check.probe),
    expected: expectedText(check),
    observed: `${describeOutcome(outcome)}${evidence}`,
    verdict: pass ? 'pass' : 'fail',
    ...(seenAs ? { seenAs } : {}),
    ...(pass ? {} : { why, reproduce: result.reproduce }),
  };
}

/** The rows of a property that cannot be judged (its table says why, or the implementation failed to build). */
export function skippedRow(cell: Cell, property: string, why: string, verdict: 'skip' | 'fail' = 'skip'): ResultRow {
  return { ...cell, property, probe: '-', expected: '-', observed: verdict === 'skip' ? 'not judged' : 'not built', verdict, why };
}
