// A native nft ruleset's counted rules, as the diagnosis reads them (nft -j for what each rule is and counts,
// nft -a for its words): position in its chain, packets, whether it drops, what it translates and to where; a
// rule without a counter is not among them.
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { nftCountedRules } from '../src/evidence/nft-counters.ts';

const RULESET = `
table ip counted_test {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "nothing0" tcp dport 8080 counter dnat to 10.88.0.2:5000
    iifname "nothing0" tcp dport 8081 dnat to 10.88.0.3:5000
    iifname "nothing0" tcp dport 8082 counter dnat to 10.88.0.4-10.88.0.5:80-81
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "nothing0" counter masquerade
    oifname "nothing1" counter snat to 172.31.8.200
  }
  chain out {
    type filter hook output priority filter; policy accept;
    ip daddr 127.0.0.9 counter drop
  }
}
`;

describe('nft counters', () => {
  test('each counted rule: its chain, position, packets, drop or translation, and its words', async ({ host }) => {
    await host.exec(['nft', '-f', '-'], { stdin: RULESET });
    try {
      await host.exec(['ping', '-c', '2', '-W', '1', '127.0.0.9'], { expectExit: 'any' }); // dropped, counted
      const rules = (await nftCountedRules(host)).filter((rule) => rule.table === 'ip counted_test');
      expect(rules).toEqual([
        {
          table: 'ip counted_test',
          chain: 'pre',
          position: 1,
          text: 'iifname "nothing0" tcp dport 8080 dnat to 10.88.0.2:5000',
          packets: 0,
          drops: false,
          nat: { kind: 'destination', target: { address: '10.88.0.2', port: 5000 } },
        },
        expect.objectContaining({
          position: 3,
          text: 'iifname "nothing0" tcp dport 8082 dnat to 10.88.0.4/31:80-81',
          nat: { kind: 'destination', target: { address: '10.88.0.4', port: 80 } },
        }),
        expect.objectContaining({ chain: 'post', position: 1, nat: { kind: 'source' } }),
        expect.objectContaining({
          chain: 'post',
          position: 2,
          text: 'oifname "nothing1" snat to 172.31.8.200',
          nat: { kind: 'source', target: { address: '172.31.8.200' } },
        }),
        {
          table: 'ip counted_test',
          chain: 'out',
          position: 1,
          text: 'ip daddr 127.0.0.9 drop',
          packets: 2,
          drops: true,
        },
      ]);
    } finally {
      await host.exec(['nft', 'delete', 'table', 'ip', 'counted_test']);
    }
  });
});
