// Runs suites in a nested vitest process (its own global setup, hosts and report), as a user would run
// them, so the self-tests can judge a whole run: which tests failed and why, and what it left behind.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { KeptHost } from '../src/hosts/keep.ts';
import { runTempDir } from '../src/run-temp.ts';
import { takeSlot } from '../src/slots.ts';
import type { NestedReport, NestedTest } from './nested-reporter.ts';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

export interface NestedRun {
  subprocess: ResultPromise<{ detached: true; reject: false; all: true }>;
  /** true once the run has ended */
  ended(): boolean;
  /** every test with its state, failure message and skip note, once the run has ended */
  tests(): NestedTest[];
  /** the hosts it kept (NETNS_KEEP), once it has ended */
  kept(): KeptHost[];
  /** the run's temporary folder (its report), removed when it ends */
  dir: string;
  /** an entry of the environment every process of the run inherits, the run's own: finds them after reparenting */
  marker: string;
}

/**
 * Starts `vitest run <files>` in its own process group (so a test can Ctrl-C it), with extra environment, once
 * the run gives it a slot (src/slots.ts: a few nested runs at a time, not all of them at once).
 * A Ctrl-C to the outer run does not reach that group, so the nested run gets a SIGINT of its own when the
 * process that started it dies (PR_SET_PDEATHSIG), and cleans up as an interrupted run does.
 */
export async function startNestedRun(
  files: string[],
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<NestedRun> {
  const release = await takeSlot();
  const dir = runTempDir('netns-conformance-nested-');
  const outputFile = join(dir, 'report.json');
  const subprocess = execa('setpriv', ['--pdeathsig', 'INT', process.execPath, VITEST, 'run', ...files, ...args], {
    cwd: ROOT,
    env: { ...env, NETNS_NESTED_RUN: '1', NETNS_NESTED_REPORT: outputFile },
    detached: true,
    reject: false,
    all: true,
  });
  let ended = false;
  let report: NestedReport | undefined;
  void subprocess.finally(() => {
    ended = true;
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8')) as NestedReport;
    } catch {} // an interrupted run writes none
    rmSync(dir, { recursive: true, force: true });
    release();
  });
  const reported = (): NestedReport => {
    if (!report) throw new Error(`the nested run of ${files.join(' ')} wrote no report`);
    return report;
  };
  return {
    subprocess,
    dir,
    marker: `NETNS_NESTED_REPORT=${outputFile}`,
    ended: () => ended,
    tests: () => reported().tests,
    kept: () => reported().kept,
  };
}

/** the name of the script slowBuild writes: it shows in the run's process tree while it builds */
export const SLOW_BUILD = 'slow-build.sh';

/**
 * For a run that is still busy when a test interrupts it, whatever the machine's speed: the environment that has
 * the conformance suite judge a setup script that builds for a minute, and how to remove that script's folder.
 */
export function slowBuild(): { env: Record<string, string>; remove(): void } {
  const dir = runTempDir('netns-conformance-slow-build-');
  const script = join(dir, SLOW_BUILD);
  writeFileSync(script, 'sleep 60\n');
  return { env: { NETNS_IMPL: `script:${script}` }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A test that starts nested runs: its waits have deadlines of their own (paced to the machine's load) and its
 * nested runs queue for a slot, so its own timeout only catches a hang that nothing else would.
 */
export const NESTED_RUN_TIMEOUT_MS = 30 * 60_000;
