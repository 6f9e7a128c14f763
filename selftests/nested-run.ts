// Runs suites in a nested vitest process (its own global setup, hosts and JSON report), as a user would run
// them, so the self-tests can judge a whole run: which tests failed and why, and what it left behind.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

export interface NestedTest {
  name: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  message: string;
}

export interface NestedRun {
  subprocess: ResultPromise<{ detached: true; reject: false; all: true }>;
  /** true once the run has ended */
  ended(): boolean;
  /** the parsed JSON report, once the run has ended */
  tests(): NestedTest[];
}

/** Starts `vitest run <files>` in its own process group (so a test can Ctrl-C it), with extra environment. */
export function startNestedRun(files: string[], env: Record<string, string> = {}): NestedRun {
  const outputFile = join(mkdtempSync(join(tmpdir(), 'netns-conformance-nested-')), 'report.json');
  const subprocess = execa(process.execPath, [VITEST, 'run', ...files, '--outputFile', outputFile], {
    cwd: ROOT,
    env: { ...env, NETNS_NESTED_RUN: '1' },
    detached: true,
    reject: false,
    all: true,
  });
  let ended = false;
  void subprocess.finally(() => (ended = true));
  return {
    subprocess,
    ended: () => ended,
    tests: () => {
      const report = JSON.parse(readFileSync(outputFile, 'utf8')) as {
        testResults: Array<{ assertionResults: Array<{ title: string; status: NestedTest['status']; failureMessages: string[] }> }>;
      };
      return report.testResults.flatMap((file) =>
        file.assertionResults.map((result) => ({ name: result.title, status: result.status, message: result.failureMessages.join('\n') })),
      );
    },
  };
}
