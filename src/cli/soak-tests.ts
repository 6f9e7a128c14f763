// `npm run soak-tests -- [--runs N] [--stress]`: the README's test command, `npm test`, N times (default 10) on
// the run's host kind (NETNS_HOST as for any run), one line per run, then every test that failed at least once
// with its message from each run it failed in. --stress runs one CPU-busy process per core beside it, as a noisy
// CI runner has. Exit 0 only when no test failed in any run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: Array<{
    name: string;
    assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

function stop(problem: string): never {
  console.error(`\nnetns-conformance: ${problem}\n`);
  process.exit(2);
}

function options(): { runs: number; stress: boolean } {
  try {
    const { values } = parseArgs({
      options: { runs: { type: 'string', default: '10' }, stress: { type: 'boolean', default: false } },
    });
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) stop(`--runs ${values.runs} is not a number of runs; give 1 or more`);
    return { runs, stress: values.stress };
  } catch (error) {
    return stop(`${(error as Error).message}; usage: npm run soak-tests -- [--runs N] [--stress]`);
  }
}

/** One busy loop per core, each ending with this process whatever the way (its death signal). */
function startStress(): ChildProcess[] {
  const busy = ['--pdeathsig', 'KILL', process.execPath, '-e', 'for (;;) {}'];
  return Array.from({ length: availableParallelism() }, () => spawn('setpriv', busy, { stdio: 'ignore' }));
}

/** One `npm test`, its output kept (shown only when it judged nothing); its tests from vitest's JSON report. */
function testOnce(report: string): Promise<{ json?: VitestJson; exitCode: number; output: string; ms: number }> {
  rmSync(report, { force: true });
  const started = performance.now();
  const npm = spawn('npm', ['test'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NETNS_TESTS_JSON: report },
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => {
    npm.on('close', (code) => {
      let json: VitestJson | undefined;
      try {
        json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
      } catch {} // a run that broke before its reporter wrote
      resolve({ json, exitCode: code ?? 1, output, ms: performance.now() - started });
    });
  });
}

const { runs, stress } = options();
const dir = mkdtempSync(join(tmpdir(), 'netns-conformance-soak-tests-'));
const stressors = stress ? startStress() : [];
const cleanUp = () => {
  for (const busy of stressors) busy.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanUp);
// Ctrl-C reaches the running npm test from the terminal; this process only stops starting new runs
process.once('SIGINT', () => process.exit(130));

console.log(
  `netns-conformance soak-tests: npm test ${runs} times (NETNS_HOST=${process.env.NETNS_HOST ?? 'auto'})` +
    (stress ? `, beside ${stressors.length} busy process(es), one per core` : ''),
);
const failures = new Map<string, Array<{ run: number; message: string }>>();
const durations: number[] = [];
for (let run = 1; run <= runs; run++) {
  const { json, exitCode, output, ms } = await testOnce(join(dir, 'tests.json'));
  durations.push(ms);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  if (!json) {
    const last = output.trim().split('\n').slice(-15).join('\n');
    console.log(`  run ${run}/${runs}: judged nothing (exit ${exitCode}); its last lines:\n${last}`);
    process.exit(1);
  }
  const counts = `${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests} skipped`;
  console.log(`  run ${run}/${runs}: ${counts}  (${(ms / 1000).toFixed(1)} s, load ${load})`);
  for (const file of json.testResults) {
    for (const test of file.assertionResults.filter((t) => t.status === 'failed')) {
      const key = `${file.name.replace(`${process.cwd()}/`, '')} > ${test.fullName}`;
      const message = test.failureMessages.join('\n').split('\n').slice(0, 6).join('\n    ');
      failures.set(key, [...(failures.get(key) ?? []), { run, message }]);
    }
  }
}
for (const [test, failed] of failures) {
  console.log(`\nfailed in ${failed.length} of ${runs} runs: ${test}`);
  for (const { run, message } of failed) console.log(`  run ${run}: ${message}`);
}
const seconds = durations.map((ms) => (ms / 1000).toFixed(1)).sort((a, b) => Number(a) - Number(b));
const median = seconds[Math.floor(seconds.length / 2)];
console.log(`\nnpm test: min ${seconds[0]} s, median ${median} s, max ${seconds.at(-1)} s`);
console.log(`tests that failed at least once: ${failures.size} in ${runs} runs`);
process.exit(failures.size ? 1 : 0);
