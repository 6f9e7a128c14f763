// What a run's exit code says, read from its own results file: 0 conformant, 1 not conformant (a property
// failed), 2 bad input or set-up (the run stopped on it, or an implementation could not be built), 3 the harness
// failed (it stopped without a verdict, or a test broke outside any property).
import type { ResultsFile } from '../results/results-file.ts';

export const EXIT = { conformant: 0, notConformant: 1, badInput: 2, harnessFailed: 3 } as const;

export const EXIT_CODES_HELP = `exit codes:
  0  every property judged holds (skips with their reason do not count)
  1  not conformant: a property failed; the table and reports/conformance.json say which and why
  2  bad input or set-up: a wrong flag or variable, a missing privilege, an implementation that could not be built
  3  the harness failed: the run ended without a verdict, or a test broke outside any property`;

/**
 * The code for a vitest run that exited with `vitestCode`, from its results file (undefined: it wrote none, or
 * an earlier run's is there).
 */
export function exitCodeOf(vitestCode: number, results: ResultsFile | undefined): number {
  if (!results) return vitestCode === EXIT.badInput ? EXIT.badInput : EXIT.harnessFailed;
  const failed = results.results.filter((row) => row.verdict === 'fail');
  if (failed.some((row) => row.notBuilt)) return EXIT.badInput;
  if (failed.length) return EXIT.notConformant;
  return vitestCode === 0 ? EXIT.conformant : EXIT.harnessFailed;
}
