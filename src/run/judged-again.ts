// What a judgement of the tables again comes to, beside another program's firewall (property 10) or after a
// daemon's restart (9-lifecycle): how many checks failed, and the first of them with its why, in one line each.
import { inFamily } from '../properties/properties.ts';
import type { Judgement } from '../properties/judge.ts';
import type { ResultRow } from '../results/row.ts';

export interface JudgedAgain {
  total: number;
  failed: ResultRow[];
  /** "3-egress: http a → 8.8.8.8:80: timeout (…)", undefined when none failed */
  first?: string;
  /** "all 32 checks pass", "2 of 32 checks fail; the first: …; why: …" (`extra` after the count) */
  observed(extra?: string): string;
}

export function judgedAgain(judgements: readonly Judgement[]): JudgedAgain {
  const failed = judgements.filter((judgement) => judgement.row.verdict === 'fail').map(({ row }) => row);
  const [row] = failed;
  const first = row && `${row.property}${inFamily(row.family)}: ${row.probe}: ${row.observed}`;
  const total = judgements.length;
  return {
    total,
    failed,
    ...(first ? { first } : {}),
    observed: (extra) =>
      row
        ? `${failed.length} of ${total} checks fail${extra ? `, ${extra}` : ''}; the first: ${first}; why: ${row.why}`
        : `all ${total} checks pass${extra ? ` (${extra})` : ''}`,
  };
}
