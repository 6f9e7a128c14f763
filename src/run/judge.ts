// A built implementation judged: its properties' tables together, each failed check diagnosed. And one
// implementation judged from start to end outside a suite — built in a host of its own, judged, the host
// stopped — its rows as the conformance suite records them, for self-tests that judge many setups in the run's
// own process (a nested run would start a whole vitest).
import type { HarnessConfig } from '../harness/config.ts';
import type { Topology } from '../implementations/guide/topology.ts';
import { skippedRow, type Judgement } from '../properties/judge.ts';
import { judgeProperties, type PropertyJudgements } from '../properties/judge-properties.ts';
import { PROPERTY_IDS, propertiesIn, type PropertyId } from '../properties/properties.ts';
import type { ResultRow } from '../results/row.ts';
import { buildImplementation, hostOf, type Judged } from './build.ts';
import type { MatrixCell } from './cells.ts';

/**
 * The properties of a built implementation, judged together; each failed check diagnosed unless `diagnose` is
 * false (figures and scale, where a failure is reported by count, not explained).
 */
export function judgeAll(
  judged: Judged,
  { properties = PROPERTY_IDS, diagnose = true }: { properties?: readonly PropertyId[]; diagnose?: boolean } = {},
): Promise<PropertyJudgements> {
  const { host, roles, world, cell } = judged;
  return judgeProperties(host, roles, world, cell, {
    ...(diagnose ? { diagnosis: { world, firewall: judged.firewall } } : {}),
    ownChecks: judged.ownChecks ?? [],
    properties,
  });
}

export const failedOf = (judgements: readonly Judgement[]): Judgement[] =>
  judgements.filter((judgement) => judgement.row.verdict === 'fail');

export async function judgeImplementation(
  cell: MatrixCell,
  harness: HarnessConfig,
  topology: Topology,
): Promise<ResultRow[]> {
  const built = await buildImplementation(cell, harness, topology);
  try {
    if (built.state !== 'built') {
      const verdict = built.state === 'failed' ? 'fail' : 'skip';
      return propertiesIn(harness.families).map((each) => skippedRow(built.cell, each, built.reason, verdict));
    }
    return (await judgeAll(built.judged)).flatMap(({ table, judgements }) =>
      table.skip ? [skippedRow(built.judged.cell, table, table.skip)] : judgements.map((judgement) => judgement.row),
    );
  } finally {
    await hostOf(built).stop();
  }
}
