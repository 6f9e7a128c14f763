// The golden rulesets can fail: Docker 28.5's real golden file with one rule changed is reported with the rule
// gone and the rule new, and a missing golden file is named with how to write it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectGolden, GOLDEN } from '../fixtures/expect-golden.ts';
import { rulesDiff } from '../src/results/rules-diff.ts';

const golden = readFileSync(join(GOLDEN, 'docker-28.5.iptables-save'), 'utf8');
const MASQUERADE = '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE';

describe('golden rulesets', () => {
  test('the same rules are no change', () => {
    expect(rulesDiff(golden, golden)).toEqual([]);
  });

  test('a changed rule fails the diff, named as gone and new', async () => {
    const changed = golden.replace(MASQUERADE, '-A POSTROUTING -s 172.17.0.0/16 -j MASQUERADE');
    expect(rulesDiff(golden, changed)).toEqual([`- ${MASQUERADE}`, '+ -A POSTROUTING -s 172.17.0.0/16 -j MASQUERADE']);
    await expect(expectGolden('docker-28.5', { 'iptables-save': changed })).rejects.toThrow(
      new RegExp(
        String.raw`^docker-28\.5's rules changed: iptables-save differs from ` +
          String.raw`fixtures\/golden\/docker-28\.5\.iptables-save \(- golden, \+ found\):\n` +
          String.raw`- -A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE\n` +
          String.raw`\+ -A POSTROUTING -s 172\.17\.0\.0\/16 -j MASQUERADE\n`,
      ),
    );
  });

  test('a rule that moved in its chain is a change too (order is meaning in a firewall)', () => {
    const lines = golden.split('\n');
    const drop = lines.findIndex((line) => line.startsWith('-A DOCKER ! -i docker0 -o docker0 -j DROP'));
    [lines[drop], lines[drop - 1]] = [lines[drop - 1]!, lines[drop]!];
    expect(rulesDiff(golden, lines.join('\n'))).toHaveLength(4);
  });

  test('a missing golden file says how to write it', async () => {
    await expect(expectGolden('docker-99', { nft: 'table ip nat {}' })).rejects.toThrow(
      /fixtures\/golden\/docker-99\.nft does not exist; write it with NETNS_UPDATE_GOLDEN=1 and review it/,
    );
  });
});
