// Allure 3's configuration (npm run report): two single-file reports that open from file://, the verdict
// (reports/html/verdict/index.html: the walkthrough and the property suite, grouped by file and test) and the
// harness's own tests apart (reports/html/selftests/index.html); the run's commit, tools and settings from
// reports/conformance.json as the report's environment; labels that say nothing to a reader hidden.
import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'allure';

/** vitest's package label names the file: netns-conformance.selftests.<file> */
const isSelfTest = (result) =>
  result.labels.some((label) => label.name === 'package' && label.value.startsWith('netns-conformance.selftests.'));

/** the run as reports/conformance.json describes it (schemaVersion 1), flattened for the report's environment */
function runVariables() {
  const path = 'reports/conformance.json';
  if (!existsSync(path)) return {};
  const { schemaVersion, run } = JSON.parse(readFileSync(path, 'utf8'));
  if (schemaVersion !== 1) return {};
  return {
    commit: run.commit ?? 'not a git checkout',
    'started at': run.startedAt,
    ...run.tools,
    ...run.settings,
  };
}

const report = (reportName, groupBy, filter) => ({
  import: '@allurereport/plugin-awesome',
  options: { reportName, singleFile: true, groupBy, filter },
});

export default defineConfig({
  name: 'netns-conformance',
  output: 'reports/html',
  // the machine's hostname (labelled "host" by allure-vitest, beside the host backend), the worker, the language
  // and the run and cell the site finds a test by (src/site/allure-tests.ts)
  hideLabels: ['host', 'thread', 'framework', 'language', 'package', '_fallbackTestCaseId', 'run', 'cell'],
  variables: runVariables(),
  plugins: {
    // by implementation, then property (the suite's labels) or the walkthrough's scenario
    verdict: report(
      'netns-conformance: the verdict',
      ['implementation', 'property', 'parentSuite'],
      (result) => !isSelfTest(result),
    ),
    selftests: report('netns-conformance: the harness checks itself', ['parentSuite', 'suite'], isSelfTest),
  },
});
