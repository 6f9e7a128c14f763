// Collects the rows every test judged (carried on its meta from the workers), writes them to
// reports/conformance.json (results-file.ts: versioned, with the run's metadata; whole or not at all), and ends
// the terminal's output with the truth table: properties as rows, implementations as columns, and a line per
// failed check with its cause.
import { basename, join, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import './task-meta.ts';
import { KEPT_PREFIX, takeKept, type KeptHost } from '../hosts/keep.ts';
import { SCHEMA_VERSION, type ResultsFile } from '../results/results-file.ts';
import type { Origin, ResultRow } from '../results/row.ts';
import { writeAtomically } from '../results/write-atomically.ts';
import { summaryTable } from './rows-table.ts';
import { runInfo } from './run-info.ts';
import { inReports } from '../checkout.ts';

export const CONFORMANCE_JSON = inReports('conformance.json');
/** every run's results file is kept here too, for the site's matrix and history (npm run site) */
export const RUNS_DIR = inReports('runs');

/** the property suite's rows; every other suite walks through the guide's steps and scenarios */
const originOf = (module: TestModule): Origin =>
  basename(module.moduleId) === 'conformance.test.ts' ? 'conformance' : 'walkthrough';

export function collectRows(modules: ReadonlyArray<TestModule>): ResultRow[] {
  return modules.flatMap((module) =>
    [...module.children.allTests()].flatMap((test) =>
      (test.meta().conformance ?? []).map((row) => ({ origin: originOf(module), ...row })),
    ),
  );
}

/** A row's reproduce line stays only where its host is still up (kept): elsewhere it would not work. */
export function reproducibleRows(rows: readonly ResultRow[], kept: readonly KeptHost[]): ResultRow[] {
  return rows.map(({ reproduce, ...row }) =>
    reproduce && kept.some((host) => reproduce.includes(host.name.slice(KEPT_PREFIX.length)))
      ? { ...row, reproduce }
      : row,
  );
}

/** How to get back into each kept host, or how to keep one. */
export function keptText(kept: readonly KeptHost[], failed: boolean): string {
  if (kept.length) {
    return [
      '',
      'Kept hosts (NETNS_KEEP); `npm run sweep` removes them all:',
      ...kept.map((host) => `  ${host.what}: enter: ${host.enter}   remove: ${host.remove}`),
    ].join('\n');
  }
  return failed
    ? '\n(the hosts are removed with the run, so its reproduce lines no longer work; ' +
        'NETNS_KEEP=on-failure keeps a failed host up)'
    : '';
}

/** The harness's own tests, counted apart from the conformance verdict they do not take part in. */
export function selfTestsLine(modules: ReadonlyArray<TestModule>): string | undefined {
  const states = modules
    .filter((module) => /\/selftests\//.test(module.moduleId))
    .flatMap((module) => [...module.children.allTests()].map((test) => test.result().state));
  if (states.length === 0) return undefined;
  const count = (state: string) => states.filter((candidate) => candidate === state).length;
  return (
    `Self-tests of the harness (selftests/, not part of the verdict above): ` +
    `${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`
  );
}

export default class ConformanceReporter implements Reporter {
  private startedMs = Date.now();

  onInit(): void {
    this.startedMs = Date.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const kept = takeKept(process.env.NETNS_KEPT_FILE);
    const results = reproducibleRows(collectRows(modules), kept);
    const file: ResultsFile = { schemaVersion: SCHEMA_VERSION, run: runInfo(this.startedMs), results, kept };
    const text = `${JSON.stringify(file, null, 2)}\n`;
    writeAtomically(CONFORMANCE_JSON, text);
    if (results.length)
      writeAtomically(join(RUNS_DIR, `${file.run.startedAt.replaceAll(':', '-')}-${process.pid}.json`), text);
    if (results.length === 0 && kept.length === 0) return;
    const failed = results.some((row) => row.verdict === 'fail');
    const selfTests = selfTestsLine(modules);
    process.stdout.write(
      `\nConformance (${results.length} probes, reports/conformance.json)\n${summaryTable(results)}\n` +
        `${keptText(kept, failed)}${selfTests ? `\n${selfTests}` : ''}\n`,
    );
  }
}
