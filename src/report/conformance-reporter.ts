// Collects the rows every test judged (carried on its meta from the workers), writes them to
// reports/conformance.json as {"results": [...]}, and ends the terminal's output with the truth table:
// properties as rows, implementations as columns, and a line per failed check with its cause.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import './task-meta.ts';
import type { ResultRow } from '../results/row.ts';
import { summaryTable } from './rows-table.ts';

export const CONFORMANCE_JSON = resolve(import.meta.dirname, '../../reports/conformance.json');

export function collectRows(modules: ReadonlyArray<TestModule>): ResultRow[] {
  return modules.flatMap((module) => [...module.children.allTests()].flatMap((test) => test.meta().conformance ?? []));
}

export default class ConformanceReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const results = collectRows(modules);
    mkdirSync(dirname(CONFORMANCE_JSON), { recursive: true });
    writeFileSync(CONFORMANCE_JSON, `${JSON.stringify({ results }, null, 2)}\n`);
    if (results.length === 0) return;
    process.stdout.write(`\nConformance (${results.length} probes, reports/conformance.json)\n${summaryTable(results)}\n`);
  }
}
