// Runs a property table in a host: starts the responders it needs, runs its probes, stops the responders, and
// turns each observation into a row. Probes whose verdict needs no counter run side by side; a probe decided by a
// rule's counter runs alone (no other packet may move that counter), and so does each diagnosis re-run (its
// captures and counters must be its own).
import type { Host } from '../hosts/host.ts';
import { describeOutcome, describeProbe, type ProbeResult } from '../probes/outcome.ts';
import { probe } from '../probes/probe.ts';
import { probeBatch } from '../probes/batch.ts';
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
/** failures diagnosed per table: a re-run with captures takes a second or more, and a broken scale:1000 has thousands */
const MOST_DIAGNOSED = 10;
/** probes at once: each is a process in the host; more would only queue on 2 cores */
const PROBES_AT_ONCE = 8;

/** Runs fn on each item, at most `limit` at a time; results in the items' order. */
async function eachAtMost<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How the checks that need no counter are probed: each by its own command (default), or all by one (scale). */
export type ProbeMode = 'each' | 'batch';

/**
 * diagnosis: given, each failed check is run again with evidence armed and its row's `why` names the cause.
 * mode 'batch': the checks that need no counter go to one in-host prober at once (probes/batch.ts).
 */
export async function judge(host: Host, table: PropertyTable, roles: Roles, cell: Cell, diagnosis?: DiagnosisContext, mode: ProbeMode = 'each'): Promise<Judgement[]> {
  const responders = [];
  try {
    for (const { ns, port } of table.responders) responders.push(await startResponder(host, ns, port));
    const judged = (check: Check, result: ProbeResult): Judgement => ({ check, result, row: row(check, result, roles, cell) });
    const once = async (check: Check): Promise<Judgement> => judged(check, await probe(host, check.probe));
    const counted = async (check: Check): Promise<Judgement> => {
      const before = await rulePackets(host, check.droppedBy!);
      const result = await probe(host, decidedByEvidence(check) ? { ...check.probe, timeoutMs: EVIDENCE_DEADLINE_MS } : check.probe);
      const matched = ruleMatched(check.droppedBy!, before, await rulePackets(host, check.droppedBy!));
      return { check, result, row: row(check, result, roles, cell, matched) };
    };
    const freeChecks = table.checks.filter((check) => !check.droppedBy);
    const free =
      mode === 'batch'
        ? (await probeBatch(host, freeChecks.map((check) => check.probe))).map((result, index) => judged(freeChecks[index]!, result))
        : await eachAtMost(freeChecks, PROBES_AT_ONCE, once);
    const alone = await eachAtMost(table.checks.filter((check) => check.droppedBy), 1, counted);
    const judgements = table.checks.map((check) => (check.droppedBy ? alone.shift()! : free.shift()!));
    if (diagnosis) {
      const failed = judgements.filter((judgement) => judgement.row.verdict === 'fail');
      for (const { check, row: failedRow } of failed.slice(0, MOST_DIAGNOSED)) failedRow.why = await diagnosed(host, check, roles, diagnosis, failedRow.why!);
      for (const { row: failedRow } of failed.slice(MOST_DIAGNOSED)) failedRow.why = `${failedRow.why} (not diagnosed: only the first ${MOST_DIAGNOSED} failures of a table are)`;
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
