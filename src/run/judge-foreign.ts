// Property 10: the four properties judged again with another program's firewall beside the implementation, one
// kind at a time (src/world/foreign-firewall.ts). The implementation claims which it keeps them beside; beside the
// others they must fail, and that firewall's counter must show it dropped packets meanwhile — a failure for the
// right reason, by evidence (the first failed check's diagnosis is shown too, and mostly names it; a neighbour
// solicitation dropped on a bridge shows as the neighbour not answering). One row per kind, in the world's first
// family (the tables are judged in every family).
import { FOREIGN_PROPERTY, CORE_PROPERTY_IDS, inFamily } from '../properties/properties.ts';
import { allJudgements, judgeProperties } from '../properties/judge-properties.ts';
import type { ResultRow } from '../results/row.ts';
import { FOREIGN_TEXT, foreignSkip, withForeignFirewall, type ForeignFirewall } from '../world/foreign-firewall.ts';
import { skippedRow } from '../properties/judge.ts';
import type { Judged } from './build.ts';

/** the claim is about the four; one diagnosis (seconds in a container host) shows why they failed */
const DIAGNOSED = 1;

export async function judgeBesideForeign(judged: Judged, foreign: ForeignFirewall): Promise<ResultRow> {
  const { host, roles, world, cell, firewall } = judged;
  const family = world.families[0]!;
  const about = { property: FOREIGN_PROPERTY, family };
  const claim = roles.foreignFirewall;
  if (!claim) return skippedRow(cell, about, "the implementation claims nothing beside another program's firewall");
  const skip = foreignSkip(firewall);
  if (skip) return skippedRow(cell, about, skip);
  const keeps = claim.keeps.includes(foreign);
  const { result, dropped } = await withForeignFirewall(host, firewall, world.families, foreign, () =>
    judgeProperties(host, roles, world, cell, {
      diagnosis: { world, firewall, most: DIAGNOSED },
      properties: CORE_PROPERTY_IDS,
    }),
  );
  const judgements = allJudgements(result);
  const failed = judgements.filter((judgement) => judgement.row.verdict === 'fail').map(({ row }) => row);
  const first = failed[0];
  const firstText = first && `${first.property}${inFamily(first.family)}: ${first.probe}: ${first.observed}`;
  const why = (): string | undefined => {
    if (keeps)
      return first && `it claims to keep the four beside it (${claim.why}), but ${firstText}; why: ${first.why}`;
    if (!first)
      return (
        `all ${judgements.length} checks pass beside it, but it claims not to keep them (${claim.why}): ` +
        `if it now does, add "${foreign}" to what it keeps`
      );
    if (!dropped) return `${firstText}, but the other program's firewall dropped no packet: why: ${first.why}`;
    return undefined;
  };
  const counted = `${dropped} packet(s) dropped by it`;
  const cause = why();
  return {
    ...cell,
    ...about,
    probe: FOREIGN_TEXT[foreign],
    expected: keeps ? 'the four properties kept' : "the four fail, the other program's firewall dropping them",
    observed: first
      ? `${failed.length} of ${judgements.length} checks fail, ${counted}; the first: ${firstText}; why: ${first.why}`
      : `all ${judgements.length} checks pass (${counted})`,
    verdict: cause ? 'fail' : 'pass',
    ...(cause ? { why: cause } : {}),
  };
}
