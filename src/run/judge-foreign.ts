// Property 10: the four properties judged again with another program's firewall beside the implementation, one
// kind at a time (src/world/foreign-firewall.ts). The implementation claims which it keeps them beside; beside the
// others they must fail, and that firewall's counter must show it dropped packets meanwhile — a failure for the
// right reason, by evidence (the first failed check's diagnosis is shown too, and mostly names it; a neighbour
// solicitation dropped on a bridge shows as the neighbour not answering). One row per kind, in the world's first
// family (the tables are judged in every family).
import { FOREIGN_PROPERTY, CORE_PROPERTY_IDS } from '../properties/properties.ts';
import { allJudgements, judgeProperties } from '../properties/judge-properties.ts';
import type { ResultRow } from '../results/row.ts';
import { FOREIGN_TEXT, foreignSkip, withForeignFirewall, type ForeignFirewall } from '../world/foreign-firewall.ts';
import { skippedRow } from '../properties/judge.ts';
import type { Judged } from './build.ts';
import { judgedAgain } from './judged-again.ts';

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
  const again = judgedAgain(allJudgements(result));
  const first = again.failed[0];
  const why = (): string | undefined => {
    if (keeps)
      return first && `it claims to keep the four beside it (${claim.why}), but ${again.first}; why: ${first.why}`;
    if (!first)
      return (
        `all ${again.total} checks pass beside it, but it claims not to keep them (${claim.why}): ` +
        `if it now does, add "${foreign}" to what it keeps`
      );
    if (!dropped) return `${again.first}, but the other program's firewall dropped no packet: why: ${first.why}`;
    return undefined;
  };
  const cause = why();
  return {
    ...cell,
    ...about,
    probe: FOREIGN_TEXT[foreign],
    expected: keeps ? 'the four properties kept' : "the four fail, the other program's firewall dropping them",
    observed: again.observed(`${dropped} packet(s) dropped by it`),
    verdict: cause ? 'fail' : 'pass',
    ...(cause ? { why: cause } : {}),
  };
}
