// Runs a property table in a host: starts the responders it needs, runs its probes one after the other (so
// counters and captures stay attributable), stops the responders, and turns each observation into a row.
import type { Host } from '../hosts/host.ts';
import { describeOutcome, describeProbe, type ProbeResult } from '../probes/outcome.ts';
import { probe } from '../probes/probe.ts';
import { startResponder } from '../probes/responder.ts';
import type { Cell, ResultRow } from '../results/row.ts';
import type { Roles } from '../roles/roles.ts';
import { explain } from './explain.ts';
import type { Check, PropertyTable } from './properties.ts';

export interface Judgement {
  check: Check;
  result: ProbeResult;
  row: ResultRow;
}

export async function judge(host: Host, table: PropertyTable, roles: Roles, cell: Cell): Promise<Judgement[]> {
  const responders = [];
  try {
    for (const { ns, port } of table.responders) responders.push(await startResponder(host, ns, port));
    const judgements: Judgement[] = [];
    for (const check of table.checks) {
      const result = await probe(host, check.probe);
      judgements.push({ check, result, row: row(check, result, roles, cell) });
    }
    return judgements;
  } finally {
    await Promise.allSettled(responders.map((responder) => responder.stop()));
  }
}

export function expectedText(check: Check): string {
  return `${check.expect}${check.seenAs ? `, seen as ${check.seenAs}` : ''}`;
}

function row(check: Check, result: ProbeResult, roles: Roles, cell: Cell): ResultRow {
  const { outcome } = result;
  const seenAs = outcome.kind === 'reachable' ? outcome.seenAs : undefined;
  const pass = outcome.kind === check.expect && (check.seenAs === undefined || seenAs === check.seenAs);
  return {
    ...cell,
    property: check.property,
    probe: describeProbe(check.probe),
    expected: expectedText(check),
    observed: describeOutcome(outcome),
    verdict: pass ? 'pass' : 'fail',
    ...(seenAs ? { seenAs } : {}),
    ...(pass ? {} : { why: explain(check, outcome, roles), reproduce: result.reproduce }),
  };
}

/** The rows of a property that cannot be judged (its table says why, or the implementation failed to build). */
export function skippedRow(cell: Cell, property: string, why: string, verdict: 'skip' | 'fail' = 'skip'): ResultRow {
  return { ...cell, property, probe: '-', expected: '-', observed: verdict === 'skip' ? 'not judged' : 'not built', verdict, why };
}
