// `npm run soak`: the property suite NETNS_SOAK_RUNS times (default 10) on the run's host kind (NETNS_HOST, and
// NETNS_IMPL, NETNS_FIREWALLS, NETNS_KERNELS as for any run), one line per run, then every flake: a probe whose
// verdict changed between runs, with the runs it failed in, what it saw and the diagnosis's why.
import { spawn } from 'node:child_process';
import { CONFORMANCE_JSON } from '../report/conformance-reporter.ts';
import { flakesOf } from '../results/flakes.ts';
import { readResults } from '../results/results-file.ts';
import type { ResultRow } from '../results/row.ts';
import { CHECKOUT } from '../checkout.ts';
import { noArguments, VITEST } from './usage.ts';

noArguments(`usage: npm run soak (no arguments)
Runs the property suite NETNS_SOAK_RUNS times (default 10) and prints one line per run, then every probe whose
verdict changed between runs. NETNS_HOST, NETNS_IMPL, NETNS_FIREWALLS, NETNS_KERNELS choose what is judged.`);

const RUNS = Number(process.env.NETNS_SOAK_RUNS ?? 10);
if (!Number.isInteger(RUNS) || RUNS < 2) {
  console.error(
    `\nnetns-conformance: NETNS_SOAK_RUNS=${process.env.NETNS_SOAK_RUNS} is not a number of runs; give 2 or more\n`,
  );
  process.exit(2);
}

/** The rows of the run `id` wrote; none when the file is an earlier run's (this one broke before its reporter). */
function rowsOf(id: string): ResultRow[] {
  try {
    const { run, results } = readResults(CONFORMANCE_JSON);
    return run.id === id ? results : [];
  } catch {
    return [];
  }
}

/** One run of the suite, its output kept (shown only when the run itself breaks); its rows. */
function runOnce(run: number): Promise<{ rows: ResultRow[]; exitCode: number; output: string; ms: number }> {
  // the results file is replaced, never removed first: each run's is told apart by its id
  const id = `soak-${process.pid}-${run}`;
  const started = performance.now();
  const vitest = spawn(process.execPath, [VITEST, 'run', 'suites/conformance.test.ts'], {
    cwd: CHECKOUT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NETNS_RUN_ID: id },
  });
  let output = '';
  vitest.stdout.on('data', (chunk: Buffer) => (output += chunk));
  vitest.stderr.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => {
    vitest.on('close', (code) => {
      resolve({ rows: rowsOf(id), exitCode: code ?? 1, output, ms: performance.now() - started });
    });
  });
}

// Ctrl-C reaches the running vitest from the terminal; this process only stops starting new runs
process.once('SIGINT', () => process.exit(130));
const runs: ResultRow[][] = [];
console.log(
  `netns-conformance soak: ${RUNS} runs of suites/conformance.test.ts ` +
    `(NETNS_HOST=${process.env.NETNS_HOST ?? 'auto'}, NETNS_IMPL=${process.env.NETNS_IMPL ?? 'guide'})`,
);
for (let run = 1; run <= RUNS; run++) {
  const { rows, exitCode, output, ms } = await runOnce(run);
  const count = (verdict: string) => rows.filter((row) => row.verdict === verdict).length;
  console.log(
    `  run ${run}/${RUNS}: ${rows.length} probes, ${count('pass')} pass, ${count('fail')} fail, ` +
      `${count('skip')} skip  (${(ms / 1000).toFixed(1)} s)`,
  );
  if (rows.length === 0) {
    console.log(
      `  the run judged nothing (exit ${exitCode}); its last lines:\n` +
        `${output.trim().split('\n').slice(-15).join('\n')}`,
    );
    process.exit(1);
  }
  runs.push(rows);
}
const { flakes, steady } = flakesOf(runs);
for (const flake of flakes) {
  console.log(`\nflake: ${flake.probe} failed in ${flake.failures.length} of ${flake.runs} runs`);
  for (const failure of flake.failures)
    console.log(`  run ${failure.run}: ${failure.observed}${failure.why ? ` — why: ${failure.why}` : ''}`);
}
if (steady.length)
  console.log(`\nfailed in every run (not flakes): ${steady.length}\n${steady.map((key) => `  ${key}`).join('\n')}`);
console.log(`\nflakes: ${flakes.length} in ${RUNS} runs (${runs[0]!.length} probes each)`);
process.exit(flakes.length || steady.length ? 1 : 0);
