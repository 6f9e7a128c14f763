// The one table from what a prober saw to an outcome: the same fact gives the same outcome whichever prober saw it
// (batch-prober.py's errno names and ICMP codes, curl's and iputils ping's words), and an unknown one is an error,
// never a guess.
import { describe, expect, test } from 'vitest';
import { errnoInText, icmpInText, outcomeOfErrno, outcomeOfIcmp, outcomeOfReport } from '../src/probes/classify.ts';

describe('classifying what a prober saw', () => {
  test.each([
    ['ECONNREFUSED', 'Connection refused', 'refused'],
    ['ENETUNREACH', 'Network is unreachable', 'network-unreachable'],
    ['EHOSTUNREACH', 'No route to host', 'host-unreachable'],
  ])('%s: the same outcome from its name and from its words', (errno, words, kind) => {
    expect(outcomeOfErrno(errno).kind).toBe(kind);
    expect(errnoInText(`curl: (7) Failed to connect to 8.8.8.8 port 80 after 1 ms: ${words}`)).toBe(errno);
    expect(outcomeOfReport({ errno, detail: words })).toEqual({ kind, detail: words });
  });

  test.each([
    ['Destination Net Unreachable', 3, 0, 'network-unreachable'],
    ['Destination Host Unreachable', 3, 1, 'host-unreachable'],
    ['Destination Net Prohibited', 3, 9, 'filtered'],
    ['Destination Host Prohibited', 3, 10, 'filtered'],
    ['Packet filtered', 3, 13, 'filtered'],
    // ICMPv6, as iputils prints what ip6tables' REJECT --reject-with icmp6-… sends
    ['Destination unreachable: No route', 1, 0, 'network-unreachable'],
    ['Destination unreachable: Administratively prohibited', 1, 1, 'filtered'],
    ['Destination unreachable: Address unreachable', 1, 3, 'host-unreachable'],
  ])('ping\'s "%s" is ICMP type %i code %i: %s', (words, type, code, kind) => {
    expect(icmpInText(words)).toEqual([type, code]);
    expect(outcomeOfIcmp(type, code, 'fd00::1')).toEqual({ kind, from: 'fd00::1' });
    expect(outcomeOfReport({ icmp: [type, code], from: 'fd00::1' })).toEqual({
      kind,
      from: 'fd00::1',
      detail: `ICMP type ${type} code ${code}`,
    });
  });

  test('TCP over IPv6 sees an administratively-prohibited ICMPv6 as EACCES: filtered', () => {
    expect(outcomeOfErrno('EACCES', 'Permission denied')).toEqual({ kind: 'filtered', detail: 'Permission denied' });
  });

  test('an errno or ICMP message the table does not know is an error, not a reason', () => {
    expect(outcomeOfErrno('EPERM', 'Operation not permitted')).toEqual({
      kind: 'error',
      detail: 'failed with EPERM: Operation not permitted',
    });
    expect(outcomeOfIcmp(3, 4, '172.31.0.1').kind).toBe('error'); // fragmentation needed: no probe of ours gets it
    expect(outcomeOfIcmp(11, 0, '172.31.0.1').kind).toBe('error'); // time exceeded
    expect(icmpInText('Destination Port Unreachable')).toBeUndefined(); // a ping never draws one
    expect(outcomeOfIcmp(2, 0, 'fd00::1').kind).toBe('error'); // ICMPv6 packet too big: neither
    // port unreachable is a UDP probe's refusal, in either family
    expect(outcomeOfIcmp(3, 3, '172.31.0.1').kind).toBe('refused');
    expect(outcomeOfIcmp(1, 4, 'fd00::1').kind).toBe('refused');
    expect(outcomeOfReport({ kind: 'timeout', detail: 'no answer before its deadline' })).toEqual({
      kind: 'timeout',
      detail: 'no answer before its deadline',
    });
  });
});
