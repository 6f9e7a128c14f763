// `npm run site`: the compatibility matrix as a static page, from the runs kept in reports/runs/ (every run of
// the suites keeps its results file there), any results files named, and the history an earlier page left.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RUNS_DIR } from '../report/conformance-reporter.ts';
import { readResults, type ResultsFile } from '../results/results-file.ts';
import { writeAtomically } from '../results/write-atomically.ts';
import { allureAnchor, allureTests } from '../site/allure-tests.ts';
import { matrixOf, mergedHistory, type HistoryEntry } from '../site/matrix.ts';
import { renderPage } from '../site/render.ts';
import { callerDir, callerPath, inReports } from '../checkout.ts';
import { failUsage, parseFlags } from './usage.ts';

const USAGE = `usage: npm run site [-- [--out DIR] [--history PATH] [--allure PATH] [--allure-results DIR] [FILE …]]
Writes the compatibility matrix as a static page, DIR/index.html (default reports/site), from the results files
named (conformance.json of each job), or with none named from every run kept in reports/runs/, and
DIR/history.json, which the next page carries on (read from --history PATH, default DIR/history.json). --allure is
the Allure report's page as the site links it (default ../html/verdict/index.html, as npm run report writes it);
a failed check opens its own test there when the report's results (--allure-results, default
reports/allure-results) are of the check's run.`;

const HELP = 'npm run site -- --help';
const fail = (problem: string): never => failUsage(problem, HELP);

const parsed = parseFlags(
  {
    options: {
      out: { type: 'string', default: inReports('site') },
      history: { type: 'string' },
      allure: { type: 'string', default: '../html/verdict/index.html' },
      'allure-results': { type: 'string', default: inReports('allure-results') },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  },
  HELP,
);
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const here = callerDir();
const out = callerPath(parsed.values.out);
const historyPath = callerPath(parsed.values.history ?? join(out, 'history.json'));

const named = parsed.positionals.map((path) => callerPath(path));
const kept = () =>
  existsSync(RUNS_DIR)
    ? readdirSync(RUNS_DIR)
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(RUNS_DIR, name))
    : [];
const files: ResultsFile[] = (named.length ? named : kept()).map((path) => {
  try {
    return readResults(path);
  } catch (error) {
    return fail((error as Error).message);
  }
});
if (files.length === 0)
  fail(`no results: ${relative(here, RUNS_DIR)} is empty and no file was named; run npm run conformance first`);

let earlier: HistoryEntry[] = [];
if (existsSync(historyPath))
  try {
    earlier = JSON.parse(readFileSync(historyPath, 'utf8')) as HistoryEntry[];
    if (!Array.isArray(earlier)) throw new Error('it is not a list of runs');
  } catch (error) {
    fail(`${historyPath} is not a history this site wrote (${(error as Error).message})`);
  }
const history = mergedHistory(earlier, files);
const matrix = matrixOf(files, history);
writeAtomically(join(out, 'history.json'), `${JSON.stringify(history, null, 1)}\n`);
const tests = allureTests(callerPath(parsed.values['allure-results']));
writeAtomically(
  join(out, 'index.html'),
  renderPage(matrix, { allure: parsed.values.allure, allureTests: tests, generatedAt: new Date().toISOString() }),
);
const failed = matrix.cells.flatMap((cell) => cell.failed.map((row) => ({ cell, row })));
const linked = failed.filter(({ cell, row }) => allureAnchor(tests, cell, row)).length;
console.log(
  `site: ${join(relative(here, out) || '.', 'index.html')}: ${matrix.cells.length} cells ` +
    `(${new Set(failed.map(({ cell }) => cell)).size} with failed checks; ${linked} of ${failed.length} ` +
    `checks open their Allure test) from ${files.length} run(s), history of ${history.length}`,
);
