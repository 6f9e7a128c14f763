// A run that cannot build everything a step needs skips that step and says why, instead of failing it as a
// network failure: a name filter that leaves out the earlier steps of a scenario, a topology with one namespace.
// Each nested run also leaves no temporary folder behind.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';

describe.concurrent('partial runs skip with the reason', () => {
  test(
    '-t MASQUERADE: the step skips because the filter left out the steps it builds on',
    async () => {
      const run = await startNestedRun(
        ['suites/03-internet-egress.test.ts'],
        { NETNS_HOST: inject('harness').backend },
        ['-t', 'MASQUERADE'],
      );
      const result = await run.subprocess;
      expect(result.exitCode, result.all).toBe(0);
      const masquerade = run.tests().find((t) => t.name.includes('MASQUERADE'));
      expect(masquerade).toMatchObject({
        status: 'skipped',
        note:
          'builds on the earlier step "given scenarios 1 and 2, netns1 reaches the host\'s eth0 address", ' +
          'which did not run (left out by a filter; run the whole file)',
      });
      expect(existsSync(run.dir)).toBe(false);
    },
    NESTED_RUN_TIMEOUT_MS,
  );

  test(
    'a one-namespace topology: the steps about a second namespace skip, the rest pass',
    async () => {
      const topology = resolve(import.meta.dirname, '../fixtures/topologies/one-namespace.json');
      const run = await startNestedRun(['suites/01-namespace-to-bridge.test.ts'], {
        NETNS_HOST: inject('harness').backend,
        NETNS_TOPOLOGY: topology,
      });
      const result = await run.subprocess;
      expect(result.exitCode, result.all).toBe(0);
      const afterTheSkippedStep =
        `builds on the earlier step ` +
        `"netns2 cabled but not yet a port of br0: netns1 and netns2 do not reach each other", ` +
        `which skipped (topology ${topology} has one namespace; this step needs two)`;
      expect(run.tests().map((t) => [t.status, t.note])).toEqual([
        ['passed', undefined],
        ['passed', undefined],
        ['skipped', `topology ${topology} has one namespace; this step needs two`],
        // the step that attaches netns2, the property, and the property's IPv6 twin
        ...Array.from({ length: 3 }, () => ['skipped', afterTheSkippedStep]),
      ]);
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});
