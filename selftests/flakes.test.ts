// The soak's judgement of repeated runs: a probe that failed in some runs and not others is a flake, with each
// failure's evidence; one that failed every time is a steady failure; a probe missing from a run failed there.
import { describe, expect, test } from 'vitest';
import { flakesOf } from '../src/results/flakes.ts';
import type { ResultRow } from '../src/results/row.ts';

const row = (probe: string, verdict: ResultRow['verdict'], why?: string): ResultRow => ({
  implementation: 'guide',
  host: 'netns',
  kernel: '6.18',
  firewall: 'nft',
  family: 'ipv4',
  property: '3-egress',
  probe,
  expected: 'reachable',
  observed: verdict === 'pass' ? 'reachable' : 'timeout',
  verdict,
  ...(why ? { why } : {}),
});

describe('flakes across runs', () => {
  test(
    'a probe failing in some runs is a flake with each failure and its why; ' + 'steady passes and failures are not',
    () => {
      const runs = [
        [
          row('ping a → 8.8.8.8', 'pass'),
          row('ping b → 8.8.8.8', 'fail', 'dropped by filter FORWARD policy DROP'),
          row('http a → 8.8.8.8:80', 'pass'),
        ],
        [
          row('ping a → 8.8.8.8', 'fail', 'last seen on br0, never on eth0'),
          row('ping b → 8.8.8.8', 'fail', 'dropped by filter FORWARD policy DROP'),
          row('http a → 8.8.8.8:80', 'pass'),
        ],
        [row('ping a → 8.8.8.8', 'pass'), row('ping b → 8.8.8.8', 'fail', 'dropped by filter FORWARD policy DROP')],
      ];
      const { flakes, steady } = flakesOf(runs);
      expect(
        flakes.map((flake) => [flake.probe.split(' · ').pop(), flake.failures.map((failure) => failure.run)]),
      ).toEqual([
        ['ping a → 8.8.8.8', [2]],
        ['http a → 8.8.8.8:80', [3]],
      ]);
      expect(flakes[0]!.failures[0]).toEqual({ run: 2, observed: 'timeout', why: 'last seen on br0, never on eth0' });
      expect(flakes[1]!.failures[0]!.observed).toBe('not judged in this run');
      expect(steady).toEqual([expect.stringContaining('ping b → 8.8.8.8')]);
    },
  );

  test('runs that agree have no flakes', () => {
    const same = [row('ping a → 8.8.8.8', 'pass'), row('ping b → 8.8.8.8', 'pass')];
    expect(flakesOf([same, same, same])).toEqual({ flakes: [], steady: [] });
  });
});
