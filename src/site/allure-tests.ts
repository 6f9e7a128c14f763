// Where each property test of a run is in the Allure report, so that a failed check on the site opens its own
// test. The property suite labels each test with its run's id and its cell (suites/conformance.test.ts); Allure 3
// routes its single-file report to a test by the MD5 of the test's uuid (`index.html#<md5>`, measured on 3.18:
// @allurereport/core makes a result's id md5(uuid)).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultRow } from '../results/row.ts';
import type { MatrixCell } from './matrix.ts';

interface AllureResult {
  uuid: string;
  labels?: Array<{ name: string; value: string }>;
  parameters?: Array<{ name: string; value: string }>;
}

/** A check's test as the map keys it: its run, cell and property. */
const testKeyOf = (run: string, cell: string, property: string): string => [run, cell, property].join('\n');

/** The anchor of a failed check's test, when the report was made from the run that judged its cell. */
export const allureAnchor = (tests: ReadonlyMap<string, string>, cell: MatrixCell, row: ResultRow) =>
  cell.run ? tests.get(testKeyOf(cell.run, cell.key, row.property)) : undefined;

/** The report's anchor of each property test in an allure-results folder, by testKeyOf; none without the folder. */
export function allureTests(resultsDir: string): Map<string, string> {
  const tests = new Map<string, string>();
  if (!existsSync(resultsDir)) return tests;
  for (const name of readdirSync(resultsDir).filter((file) => file.endsWith('-result.json'))) {
    let result: AllureResult;
    try {
      result = JSON.parse(readFileSync(join(resultsDir, name), 'utf8')) as AllureResult;
    } catch {
      continue; // a file a killed run left half-written: its test has no link
    }
    const label = (key: string) => result.labels?.find((each) => each.name === key)?.value;
    const property = result.parameters?.find((each) => each.name === 'property')?.value;
    const [run, cell] = [label('run'), label('cell')];
    if (run && cell && property)
      tests.set(testKeyOf(run, cell, property), createHash('md5').update(result.uuid).digest('hex'));
  }
  return tests;
}
