import { defineConfig } from 'vitest/config';
import './scripts/preflight.mjs'; // Node 24 and a writable checkout, also for `npx vitest run`
import { inReports } from './src/checkout.ts';

// Nested runs (the self-tests run a suite against a broken topology) write only a report of their own.
const nested = process.env.NETNS_NESTED_RUN === '1';

export default defineConfig({
  test: {
    // selftests/held/: files a self-test's nested run holds at a point until it is interrupted
    include: ['suites/**/*.test.ts', 'selftests/**/*.test.ts', ...(nested ? ['selftests/held/*.held.ts'] : [])],
    globalSetup: ['fixtures/global-setup.ts'],
    // a skipped test's reason in the Allure report too
    setupFiles: ['fixtures/skip-reasons.ts'],
    // forks, not threads: a netns host's processes die with the process that started them (PR_SET_PDEATHSIG),
    // which for a worker thread would be the thread
    pool: 'forks',
    // Suites mostly wait on the kernel (ARP, ping deadlines), not on the CPU: on 2 cores, 4 files at once took
    // `npm test` from 90 s to 32 s (container hosts) and from 43 s to 18 s (netns hosts).
    maxWorkers: 4,
    // A worker runs its files one after another in one module graph instead of importing the library anew for
    // each: `npm test` on netns hosts 113 -> 108 s, 195 -> 183 s of CPU. Safe here: no file mocks a module,
    // stubs a global or changes process.env, and every host a file starts is released in its own afterAll.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    reporters: nested
      ? ['./selftests/nested-reporter.ts']
      : [
          'default',
          ['allure-vitest/reporter', { resultsDir: inReports('allure-results') }],
          // vitest's JUnit, replacing the last run's file only once it is whole
          ['./src/report/junit-whole.ts', { outputFile: process.env.NETNS_JUNIT_FILE ?? inReports('junit.xml') }],
          // npm run soak-tests reads each run's tests from vitest's JSON report
          ...(process.env.NETNS_TESTS_JSON
            ? [['json', { outputFile: process.env.NETNS_TESTS_JSON }] as ['json', { outputFile: string }]]
            : []),
          './src/report/conformance-reporter.ts', // last: the truth table ends the output
        ],
  },
});
