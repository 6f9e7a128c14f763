// Runs property tables in a host: serves the responders they need, runs their probes, and turns each observation
// into a row. Probes whose verdict needs no counter all go at once, by one in-host prober; a probe decided by a
// rule's counter runs alone (no other packet may move that counter), and so does each diagnosis re-run (its
// captures and counters must be its own).
import type { BackgroundProcess } from '../hosts/background.ts';
import type { Host } from '../hosts/host.ts';
import { describeOutcome, describeProbe, probeFields, type ProbeResult } from '../probes/outcome.ts';
import { probe } from '../probes/probe.ts';
import { describeServed, probeBatch } from '../probes/batch.ts';
import { startResponder } from '../probes/responder.ts';
import type { Cell, ResultRow } from '../results/row.ts';
import { everyWorkload, rolesAs, type Roles } from '../roles/roles.ts';
import type { Family } from '../world/world.ts';
import { cellState, type CellState } from '../diagnosis/cell-state.ts';
import { diagnose, type DiagnosisContext } from '../diagnosis/diagnose.ts';
import { explain } from './explain.ts';
import type { Firewall } from '../net/firewall.ts';
import { describeDroppedBy, withDeliveryEvidence, withDropEvidence, type DropMatch } from './drop-evidence.ts';
import type { Check, PropertyTable, ResponderSpec } from './properties.ts';

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
const decidedByEvidence = (check: Check) => isCounted(check) && check.expect === 'timeout';
/** checks whose evidence is read around their probe alone: a rule's counter, a trace, a capture */
const isCounted = (check: Check) => check.droppedBy !== undefined || check.deliveredTo !== undefined;
/**
 * failures diagnosed per table: a re-run with captures takes a second or more, and a broken scale:1000 has
 * thousands
 */
const MOST_DIAGNOSED = 10;
/**
 * Judges several tables at once. The checks that need no counter go first, every table's at once, by one in-host
 * prober that also serves the responders the tables need (probes/batch.ts). Then the counted checks, one at a
 * time, once nothing else is in flight; then, with diagnosis given, each failed check is run again with evidence
 * armed and its row's `why` names the cause. Those two run one command each, and the responders they need are
 * started when first needed. Judgements come back per table, in each table's order.
 */
export async function judgeTables(
  host: Host,
  tables: readonly PropertyTable[],
  roles: Roles,
  cell: Cell,
  diagnosis?: DiagnosisContext,
): Promise<Judgement[][]> {
  const responders = new Map<string, Promise<BackgroundProcess>>();
  const key = describeServed;
  const responderFor = (spec: ResponderSpec) => {
    if (!responders.has(key(spec))) responders.set(key(spec), startResponder(host, spec.ns, spec.port, spec.protocol));
    return responders.get(key(spec))!;
  };
  const respondersOf = (table: PropertyTable) => Promise.all(table.responders.map(responderFor));
  try {
    const counted = async (check: Check): Promise<Judgement> => {
      const run = () =>
        probe(host, decidedByEvidence(check) ? { ...check.probe, timeoutMs: EVIDENCE_DEADLINE_MS } : check.probe);
      if (check.deliveredTo) {
        const { result, match } = await withDeliveryEvidence(host, check.deliveredTo, check.probe, run);
        return { check, result, row: row(check, result, roles, cell, match) };
      }
      const from = everyWorkload(rolesAs(roles, check.family)).find((w) => w.netns === check.probe.from);
      const firewall = cell.firewall as Firewall;
      const { result, match } = await withDropEvidence(
        host,
        check.droppedBy!,
        firewall,
        check.probe,
        run,
        from?.address,
      );
      return { check, result, row: row(check, result, roles, cell, match) };
    };
    const freeChecks = tables.map((table) => table.checks.filter((check) => !isCounted(check)));
    const served = [...new Map(tables.flatMap((table) => table.responders).map((spec) => [key(spec), spec])).values()];
    // tables of counted checks only need no prober (its start is most of a batch's cost)
    const results = freeChecks.flat().length
      ? await probeBatch(
          host,
          freeChecks.flat().map((check) => check.probe),
          served,
        )
      : [];
    const free = freeChecks.map((checks) =>
      checks.map((check): Judgement => {
        const result = results.shift()!;
        return { check, result, row: row(check, result, roles, cell) };
      }),
    );
    const judgements: Judgement[][] = [];
    for (const [index, table] of tables.entries()) {
      const alone: Judgement[] = [];
      const countedChecks = table.checks.filter(isCounted);
      if (countedChecks.length) await respondersOf(table);
      for (const check of countedChecks) alone.push(await counted(check));
      judgements.push(table.checks.map((check) => (isCounted(check) ? alone.shift()! : free[index]!.shift()!)));
    }
    if (diagnosis) {
      // what set-up fixed is read once for all the failed checks of these tables
      const state = cellState(host);
      let left = diagnosis.most ?? Infinity;
      const notDiagnosed = diagnosis.most === undefined ? `the first ${MOST_DIAGNOSED} of a table` : `${left} in all`;
      for (const [index, table] of tables.entries()) {
        const failed = judgements[index]!.filter((judgement) => judgement.row.verdict === 'fail');
        const most = Math.min(MOST_DIAGNOSED, left);
        left -= Math.min(most, failed.length);
        if (failed.length && most) await respondersOf(table);
        for (const { check, row: failedRow } of failed.slice(0, most))
          failedRow.why = await diagnosed(host, check, roles, { ...diagnosis, state }, failedRow.why!);
        for (const { row: failedRow } of failed.slice(most))
          failedRow.why = `${failedRow.why} (not diagnosed: only ${notDiagnosed} are)`;
      }
    }
    return judgements;
  } finally {
    const started = await Promise.allSettled(responders.values());
    await Promise.allSettled(
      started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.stop()] : [])),
    );
  }
}

/** One table: judgeTables with that table alone. */
export async function judge(
  host: Host,
  table: PropertyTable,
  roles: Roles,
  cell: Cell,
  diagnosis?: DiagnosisContext,
): Promise<Judgement[]> {
  return (await judgeTables(host, [table], roles, cell, diagnosis))[0]!;
}

/** The cause the diagnosis names, or else what the probe itself tells (`explained`), with the packets' path. */
async function diagnosed(
  host: Host,
  check: Check,
  roles: Roles,
  { state, ...diagnosis }: DiagnosisContext & { state: CellState },
  explained: string,
): Promise<string> {
  try {
    const { causes, seen } = await diagnose(host, check.probe, roles, diagnosis, state);
    return [...(causes.length ? causes : [explained]), ...(seen ? [seen] : [])].join('; ');
  } catch (error) {
    return `${explained} (the diagnosis could not run: ${(error as Error).message.split('\n')[0]})`;
  }
}

export function expectedText(check: Check): string {
  const dropped = check.droppedBy
    ? `, ${describeDroppedBy(check.droppedBy)}`
    : check.deliveredTo
      ? `, delivered to ${check.deliveredTo.label} unanswered`
      : '';
  return `${check.expect}${check.seenAs ? `, seen as ${check.seenAs}` : ''}${dropped}`;
}

function row(check: Check, result: ProbeResult, roles: Roles, cell: Cell, matched?: DropMatch): ResultRow {
  const { outcome } = result;
  const seenAs = outcome.kind === 'reachable' ? outcome.seenAs : undefined;
  const dropProven = matched === undefined || matched.proven;
  const pass = outcome.kind === check.expect && (check.seenAs === undefined || seenAs === check.seenAs) && dropProven;
  const evidence = matched ? `; ${matched.evidence}` : '';
  const why =
    outcome.kind === check.expect && !dropProven
      ? `${describeOutcome(outcome)} as expected, but ${matched!.notProven}`
      : explain(check, outcome, roles);
  return {
    ...cell,
    property: check.property,
    family: check.family,
    probe: describeProbe(check.probe),
    ...probeFields(check.probe),
    expected: expectedText(check),
    observed: `${describeOutcome(outcome)}${evidence}`,
    verdict: pass ? 'pass' : 'fail',
    outcome: outcome.kind,
    ...(outcome.kind === 'reachable' ? { rttMs: outcome.rttMs } : {}),
    ...(seenAs ? { seenAs } : {}),
    ...(pass ? {} : { why, reproduce: result.reproduce }),
  };
}

/**
 * The row of a property that cannot be judged in a family (its table says why, or the implementation failed to
 * build).
 */
export function skippedRow(
  cell: Cell,
  { property, family }: { property: string; family: Family },
  why: string,
  verdict: 'skip' | 'fail' = 'skip',
): ResultRow {
  return {
    ...cell,
    property,
    family,
    probe: '-',
    expected: '-',
    observed: verdict === 'skip' ? 'not judged' : 'not built',
    verdict,
    why,
    ...(verdict === 'fail' ? { notBuilt: true as const } : {}),
  };
}
