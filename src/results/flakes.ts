// Flakes across repeated runs of the same cells: a probe whose verdict was not the same every time, with the runs
// it failed in and what each failure saw and why (the diagnosis's evidence), so a flake can be chased.
import type { ResultRow } from './row.ts';

export interface Flake {
  /** "guide · netns · iptables-nft · 3-egress · ping a → 8.8.8.8" */
  probe: string;
  runs: number;
  /** 1-based run numbers and what the probe's row said in each run it failed */
  failures: Array<{ run: number; observed: string; why?: string }>;
}

const keyOf = (row: ResultRow) =>
  [row.implementation, row.host, row.kernel, row.firewall, row.property, row.family, row.probe].join(' · ');

/**
 * runs: each run's rows. A probe that failed in every run is a steady failure, not a flake; one that is missing
 * from some runs (its cell did not build) counts those runs as failed.
 */
export function flakesOf(runs: readonly (readonly ResultRow[])[]): { flakes: Flake[]; steady: string[] } {
  const keys = [...new Set(runs.flatMap((rows) => rows.map(keyOf)))];
  const flakes: Flake[] = [];
  const steady: string[] = [];
  for (const key of keys) {
    const failures = runs.flatMap((rows, index) => {
      const row = rows.find((candidate) => keyOf(candidate) === key);
      if (row?.verdict === 'pass' || row?.verdict === 'skip') return [];
      return [
        {
          run: index + 1,
          observed: row ? row.observed : 'not judged in this run',
          ...(row?.why ? { why: row.why } : {}),
        },
      ];
    });
    if (failures.length === runs.length) steady.push(key);
    else if (failures.length) flakes.push({ probe: key, runs: runs.length, failures });
  }
  return { flakes, steady };
}
