import { defineConfig } from 'vitest/config';

// Nested runs (the self-tests run a suite against a broken topology) write only a JSON report of their own.
const nested = process.env.NETNS_NESTED_RUN === '1';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts', 'selftests/**/*.test.ts'],
    globalSetup: ['fixtures/global-setup.ts'],
    // forks, not threads: a netns host's processes die with the process that started them (PR_SET_PDEATHSIG),
    // which for a worker thread would be the thread
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 300_000,
    reporters: nested
      ? ['json']
      : ['default', ['allure-vitest/reporter', { resultsDir: 'reports/allure-results' }], ['junit', { outputFile: 'reports/junit.xml' }]],
  },
});
