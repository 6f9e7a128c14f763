// Whether a rule could match a probe, from its words alone: what keeps the diagnosis from naming another port's or
// protocol's DNAT as the one that "never matched", and a drop of another address as the one that took a probe.
import { describe, expect, test } from 'vitest';
import { mayMatchPort, mayMatchProbe } from '../src/diagnosis/rule-may-match.ts';
import { udp } from '../src/probes/probe.ts';

describe('a rule that may match a probe', () => {
  test.each([
    ['-d 172.31.8.154/32 -p udp -m udp --dport 8080 -j DNAT --to-destination 10.88.0.2:5000', 8080, true],
    ['-d 172.31.8.154/32 -p udp -m udp --dport 8100 -j DNAT --to-destination 10.88.0.2:5100', 8080, false],
    ['-p udp -m multiport --dports 1:2 -j ACCEPT', 8080, true], // not a single --dport: it may
    ['-p udp -m udp --dport 8100:8101 -j DNAT --to-destination 10.88.0.2', 8101, true],
    ['-p udp -m udp ! --dport 8100 -j DROP', 8080, true], // negated: it may
    ['ip daddr 172.31.8.154 udp dport 8101 counter dnat to 10.88.0.2:5101', 8100, false],
    ['meta l4proto { tcp, udp } th dport 8100-8101 dnat ip to 10.88.0.2:5100', 8100, true],
    ['-j MASQUERADE', 8080, true],
  ])('%s, to port %d: %s', (rule, port, may) => {
    expect(mayMatchPort(rule, port)).toBe(may);
  });

  test('by destination, protocol and port together', () => {
    const probe = udp('internet', '172.31.8.154', 8100, { source: '198.51.100.7' });
    expect(mayMatchProbe('-d 172.31.8.154/32 -p udp -m udp --dport 8100 -j DNAT', probe)).toBe(true);
    expect(mayMatchProbe('-d 172.31.8.154/32 -p tcp -m tcp --dport 8100 -j DNAT', probe)).toBe(false);
    expect(mayMatchProbe('-d 10.88.0.2/32 ! -i nc0 -j DROP', probe)).toBe(false);
  });
});
