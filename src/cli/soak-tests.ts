// `npm run soak-tests -- [--runs N] [--stress] [FILE…]`: the README's test command, `npm test` (or `npm test --
// FILE…`, to soak a few files), N times (default 10) on the run's host kind (NETNS_HOST as for any run), one line
// per run with the tests it failed, then every test that failed at least once with its message from each run it
// failed in. --stress runs one CPU-busy process per core beside it, as a noisy CI runner has. Exit 0 only when no
// test failed in any run. Ctrl-C, SIGTERM or SIGHUP end the running `npm test` as a Ctrl-C would (it cleans up),
// and the soak reports the runs it finished.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, constants, tmpdir } from 'node:os';
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

const USAGE = 'usage: npm run soak-tests -- [--runs N] [--stress] [FILE…]';

function options(): { runs: number; stress: boolean; files: string[] } {
  try {
    const { values, positionals } = parseArgs({
      options: {
        runs: { type: 'string', default: '10' },
        stress: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    });
    if (values.help) {
      console.log(`${USAGE}
Runs npm test (or the files named) N times, with --stress one busy loop per core beside it, and says which tests
failed in which runs.`);
      process.exit(0);
    }
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) stop(`--runs ${values.runs} is not a number of runs; give 1 or more`);
    return { runs, stress: values.stress, files: positionals };
  } catch (error) {
    return stop(`${(error as Error).message}; ${USAGE}`);
  }
}

/** One busy loop per core, each ending with this process whatever the way (its death signal). */
function startStress(): ChildProcess[] {
  const busy = ['--pdeathsig', 'KILL', process.execPath, '-e', 'for (;;) {}'];
  return Array.from({ length: availableParallelism() }, () => spawn('setpriv', busy, { stdio: 'ignore' }));
}

/** The `npm test` running now: a stop signal is passed on to its process group. */
let running: ChildProcess | undefined;

/**
 * One `npm test`, its output kept (shown only when it judged nothing); its tests from vitest's JSON report. It
 * runs in a process group of its own, so that a stop reaches all of it at once, as a terminal's Ctrl-C does, and
 * it gets a Ctrl-C of its own if this process dies first (PR_SET_PDEATHSIG).
 */
function testOnce(
  report: string,
  files: readonly string[],
): Promise<{ json?: VitestJson; exitCode: number; output: string; ms: number }> {
  rmSync(report, { force: true });
  const started = performance.now();
  const npm = spawn('setpriv', ['--pdeathsig', 'INT', 'npm', 'test', ...(files.length ? ['--', ...files] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NETNS_TESTS_JSON: report },
    detached: true,
  });
  running = npm;
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

const { runs, stress, files } = options();
const dir = mkdtempSync(join(tmpdir(), 'netns-conformance-soak-tests-'));
const stressors = stress ? startStress() : [];
const cleanUp = () => {
  for (const busy of stressors) busy.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanUp);
let stoppedBy: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stoppedBy) return; // passed on once: a second Ctrl-C would cut its clean-up short
    stoppedBy = signal;
    if (running?.pid && running.exitCode === null && running.signalCode === null) process.kill(-running.pid, 'SIGINT');
    else process.exit(128 + constants.signals[signal]);
  });
}

console.log(
  `netns-conformance soak-tests: npm test${files.length ? ` -- ${files.join(' ')}` : ''} ${runs} times ` +
    `(NETNS_HOST=${process.env.NETNS_HOST ?? 'auto'})` +
    (stress ? `, beside ${stressors.length} busy process(es), one per core` : ''),
);
/** The message and the first frames of the project's own code: a matcher's frames in node_modules say nothing. */
function firstLines(messages: string[]): string {
  const lines = messages.join('\n').split('\n');
  const own = lines.filter((line) => !/^\s*at .*(node_modules\/|node:internal)/.test(line));
  return own.slice(0, 6).join('\n    ');
}

const failures = new Map<string, Array<{ run: number; message: string }>>();
const durations: number[] = [];
let finished = 0;
for (let run = 1; run <= runs && !stoppedBy; run++) {
  const { json, exitCode, output, ms } = await testOnce(join(dir, 'tests.json'), files);
  if (stoppedBy) {
    console.log(`  run ${run}/${runs}: stopped by ${stoppedBy}; its npm test ended with exit ${exitCode}`);
    break;
  }
  finished = run;
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
      const message = firstLines(test.failureMessages);
      failures.set(key, [...(failures.get(key) ?? []), { run, message }]);
      console.log(`    failed: ${key}`);
    }
  }
}
for (const [test, failed] of failures) {
  console.log(`\nfailed in ${failed.length} of ${finished} runs: ${test}`);
  for (const { run, message } of failed) console.log(`  run ${run}: ${message}`);
}
const seconds = durations.map((ms) => (ms / 1000).toFixed(1)).sort((a, b) => Number(a) - Number(b));
const median = seconds[Math.floor(seconds.length / 2)];
if (seconds.length) console.log(`\nnpm test: min ${seconds[0]} s, median ${median} s, max ${seconds.at(-1)} s`);
console.log(`tests that failed at least once: ${failures.size} in ${finished} runs`);
if (stoppedBy) process.exit(128 + constants.signals[stoppedBy]);
process.exit(failures.size ? 1 : 0);
