// The suites can fail: run a scenario against a setup that forgets one of the guide's steps, and the run fails
// at the step that needs it, with the outcome that step's absence causes, while the steps before it pass.
import { describe, expect, test } from 'vitest';
import { NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';

const cases = [
  {
    suite: 'suites/03-internet-egress.test.ts',
    topology: 'fixtures/topologies/broken-no-masquerade.json',
    failsAt: 'with MASQUERADE, replies come back, and the internet sees 172.31.8.154, never 192.168.0.2',
    // the reply to 192.168.0.2 cannot be routed back: no answer at all
    observed: /✗\s+ping netns1 → 8\.8\.8\.8\s+reachable\s+timeout/,
  },
  {
    suite: 'suites/04-inbound-access.test.ts',
    topology: 'fixtures/topologies/broken-no-dnat.json',
    failsAt: "with DNAT, the outside client reaches the server, which sees the client's own 198.51.100.7",
    // without DNAT the host itself answers 172.31.8.154:5000 with a reset
    observed: /✗\s+http internet\[198\.51\.100\.7\] → 172\.31\.8\.154:5000\s+reachable\s+refused/,
  },
];

describe.concurrent('a broken setup is reported as broken, for the right reason', () => {
  test.each(cases)(
    '$topology fails $suite at its step, observed as the cause',
    async ({ suite, topology, failsAt, observed }) => {
      const run = await startNestedRun([suite], { NETNS_TOPOLOGY: topology });
      const result = await run.subprocess;
      expect(result.exitCode, result.all).toBe(1);
      const tests = run.tests();
      const failed = tests.filter((t) => t.status === 'failed');
      expect(failed.map((t) => t.name)).toEqual([failsAt]);
      expect(failed[0]!.message).toMatch(observed);
      // a command to reproduce the failing probe comes with it
      expect(failed[0]!.message).toMatch(/reproduce \(.+\): .+/);
      // every step before it holds: the setup is broken exactly there
      const before = tests.slice(
        0,
        tests.findIndex((t) => t.name === failsAt),
      );
      expect(before.length).toBeGreaterThan(0);
      expect(before.map((t) => t.status)).toEqual(before.map(() => 'passed'));
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});
