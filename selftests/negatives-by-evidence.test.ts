// A negative that names the rule that drops it passes only when that rule's counter moved during the probe:
// silence alone (a timeout) could be any drop anywhere, so it is not proof.
//
//   [host] OUTPUT: -d 8.8.8.8 -p icmp -j DROP; -d 9.9.9.9 -p icmp -j DROP   eth0 --- [internet] 8.8.8.8
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import type { RuleRef } from '../src/evidence/counters.ts';
import { ping } from '../src/probes/probe.ts';
import { judge } from '../src/properties/judge.ts';
import type { Check } from '../src/properties/properties.ts';
import { resultCell } from '../src/results/row.ts';

describe('negatives decided by a rule counter', () => {
  test(
    'a drop passes when its rule counted the probe, and fails, saying why, ' +
      'when the rule is missing or did not count it',
    async ({ guide, harness }) => {
      const { host, iptables, topology } = guide;
      const { publicHost } = topology.internet;
      const dropTo = (address: string): RuleRef => ({
        iptables,
        table: 'filter',
        chain: 'OUTPUT',
        rule: ['-d', `${address}/32`, '-p', 'icmp', '-j', 'DROP'],
      });
      for (const address of [publicHost, '9.9.9.9'])
        await host.exec([iptables, '-A', 'OUTPUT', ...dropTo(address).rule]);
      const check = (droppedBy: RuleRef): Check => ({
        property: '3-egress',
        family: 'ipv4',
        probe: ping(undefined, publicHost),
        expect: 'timeout',
        droppedBy,
        because: 'the host drops its own pings to 8.8.8.8',
      });
      const cell = resultCell('selftest', { host: harness.backend, kernel: guide.kernel, firewall: iptables });

      const table = {
        property: '3-egress' as const,
        family: 'ipv4' as const,
        responders: [],
        checks: [check(dropTo(publicHost)), check(dropTo('8.8.4.4')), check(dropTo('9.9.9.9'))],
      };
      const [counted, missing, other] = (await judge(host, table, { workloads: [], gateway: '' }, cell)).map(
        (judgement) => judgement.row,
      );

      expect(counted).toMatchObject({
        verdict: 'pass',
        observed: expect.stringMatching(/^timeout.*OUTPUT "-d 8\.8\.8\.8\/32 -p icmp -j DROP" matched [1-9]\d* packet/),
      });
      expect(missing).toMatchObject({ verdict: 'fail', why: expect.stringContaining('that rule does not exist') });
      expect(other).toMatchObject({
        verdict: 'fail',
        why: expect.stringContaining('its counter did not move, so something else dropped it'),
      });
    },
  );
});
