// The properties of one implementation judged together, in each family of its world: one set of responders,
// every table's probes side by side (judgeTables). Every run calls it through src/run/judge.ts (judgeAll), with
// the diagnosis it wants.
import type { Host } from '../hosts/host.ts';
import type { DiagnosisContext } from '../diagnosis/diagnose.ts';
import type { Cell } from '../results/row.ts';
import type { Roles } from '../roles/roles.ts';
import type { Family, World } from '../world/world.ts';
import { judgeTables, type Judgement } from './judge.ts';
import { propertiesIn, propertyTable, type Check, type PropertyId, type PropertyTable } from './properties.ts';

/** Each table with its judgements (none for a table that says `skip`), properties first, then families. */
export type PropertyJudgements = Array<{ table: PropertyTable; judgements: Judgement[] }>;

export interface JudgeOptions {
  /** given: each failed check is run again with evidence armed, and its `why` names the cause */
  diagnosis?: DiagnosisContext;
  /** the implementation's own paths (Docker's per version), judged with the property they belong to */
  ownChecks?: readonly Check[];
  /** default: all four */
  properties?: readonly PropertyId[];
}

/** Each property's table in each of the world's families, and its judgements; a skipping table is not judged. */
export async function judgeProperties(
  host: Host,
  roles: Roles,
  world: World,
  cell: Cell,
  opts: JudgeOptions = {},
): Promise<PropertyJudgements> {
  const tables = propertiesIn(world.families, opts.properties).map(({ property, family }) =>
    propertyTable(property, roles, world, family, opts.ownChecks),
  );
  const judged = tables.filter((table) => !table.skip);
  const judgements = await judgeTables(host, judged, roles, cell, opts.diagnosis);
  return tables.map((table) => ({ table, judgements: judgements[judged.indexOf(table)] ?? [] }));
}

/** One property's table and judgements in one family. */
export function judgedOf(
  all: PropertyJudgements,
  property: PropertyId,
  family: Family,
): { table: PropertyTable; judgements: Judgement[] } {
  const found = all.find(({ table }) => table.property === property && table.family === family);
  if (!found) throw new Error(`${property} was not judged in ${family}`);
  return found;
}

/** Every judgement of every property, in the properties' order. */
export const allJudgements = (judged: PropertyJudgements): Judgement[] => judged.flatMap((each) => each.judgements);
