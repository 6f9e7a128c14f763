// The reporter of nested runs: every test's name, state, failure message, skip note and conformance rows, as one
// JSON file (vitest's own JSON report drops the note that says why a test skipped, which the self-tests judge).
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import '../src/report/task-meta.ts';
import { takeKept, type KeptHost } from '../src/hosts/keep.ts';
import type { ResultRow } from '../src/results/row.ts';

export interface NestedTest {
  name: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending';
  message: string;
  /** why it skipped: the note given to skip(note) */
  note?: string;
  /** the conformance rows it judged */
  rows: ResultRow[];
}

/** The nested run's tests, and the hosts it kept (NETNS_KEEP). */
export interface NestedReport {
  tests: NestedTest[];
  kept: KeptHost[];
}

export default class NestedReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const file = process.env.NETNS_NESTED_REPORT;
    if (!file) return;
    const tests: NestedTest[] = modules.flatMap((module) =>
      [...module.children.allTests()].map((test) => {
        const result = test.result();
        return {
          name: test.name,
          status: result.state,
          message: (result.errors ?? []).map((error) => error.message).join('\n'),
          ...(result.state === 'skipped' && result.note ? { note: result.note } : {}),
          rows: test.meta().conformance ?? [],
        };
      }),
    );
    const report: NestedReport = { tests, kept: takeKept(process.env.NETNS_KEPT_FILE) };
    writeFileSync(file, JSON.stringify(report));
  }
}
