// The four properties of one implementation judged together: one set of responders, every table's probes side by
// side (judgeTables). Every run calls it through src/run/judge.ts (judgeAll), with the diagnosis it wants.
import type { Host } from '../hosts/host.ts';
import type { DiagnosisContext } from '../diagnosis/diagnose.ts';
import type { Cell } from '../results/row.ts';
import type { Roles } from '../roles/roles.ts';
import type { World } from '../world/world.ts';
import { judgeTables, type Judgement } from './judge.ts';
import { PROPERTY_IDS, propertyTable, type Check, type PropertyId, type PropertyTable } from './properties.ts';

export type PropertyJudgements = Partial<Record<PropertyId, { table: PropertyTable; judgements: Judgement[] }>>;

export interface JudgeOptions {
  /** given: each failed check is run again with evidence armed, and its `why` names the cause */
  diagnosis?: DiagnosisContext;
  /** the implementation's own paths (Docker's per version), judged with the property they belong to */
  ownChecks?: readonly Check[];
  /** default: all four */
  properties?: readonly PropertyId[];
}

/** Each property's table and its judgements; a table that says `skip` is returned unjudged (no judgements). */
export async function judgeProperties(
  host: Host,
  roles: Roles,
  world: World,
  cell: Cell,
  opts: JudgeOptions = {},
): Promise<PropertyJudgements> {
  const tables = (opts.properties ?? PROPERTY_IDS).map((property) =>
    propertyTable(property, roles, world, opts.ownChecks),
  );
  const judged = tables.filter((table) => !table.skip);
  const judgements = await judgeTables(host, judged, roles, cell, opts.diagnosis);
  return Object.fromEntries(
    tables.map((table) => [table.property, { table, judgements: judgements[judged.indexOf(table)] ?? [] }]),
  );
}

/** Every judgement of every property, in the properties' order. */
export const allJudgements = (judged: PropertyJudgements): Judgement[] =>
  Object.values(judged).flatMap((each) => each.judgements);
