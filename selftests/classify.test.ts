// The one table from what a prober saw to an outcome: the same fact gives the same outcome whichever prober saw it
// (batch-prober.py's errno names and ICMP codes, curl's and iputils ping's words), and an unknown one is an error,
// never a guess.
import { describe, expect, test } from 'vitest';
import { errnoInText, icmpCodeInText, outcomeOfErrno, outcomeOfIcmp, outcomeOfReport } from '../src/probes/classify.ts';

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
    ['Destination Net Unreachable', 0, 'network-unreachable'],
    ['Destination Host Unreachable', 1, 'host-unreachable'],
    ['Destination Net Prohibited', 9, 'filtered'],
    ['Destination Host Prohibited', 10, 'filtered'],
    ['Packet filtered', 13, 'filtered'],
  ])('ICMP "%s" is code %i: %s', (words, code, kind) => {
    expect(icmpCodeInText(words)).toBe(code);
    expect(outcomeOfIcmp(3, code, '172.31.0.1')).toEqual({ kind, from: '172.31.0.1' });
    expect(outcomeOfReport({ icmp: [3, code], from: '172.31.0.1' })).toEqual({
      kind,
      from: '172.31.0.1',
      detail: `ICMP type 3 code ${code}`,
    });
  });

  test('an errno or ICMP message the table does not know is an error, not a reason', () => {
    expect(outcomeOfErrno('EPERM', 'Operation not permitted')).toEqual({
      kind: 'error',
      detail: 'failed with EPERM: Operation not permitted',
    });
    expect(outcomeOfIcmp(3, 3, '172.31.0.1').kind).toBe('error'); // port unreachable: no probe of ours gets it
    expect(outcomeOfIcmp(11, 0, '172.31.0.1').kind).toBe('error'); // time exceeded
    expect(icmpCodeInText('Destination Port Unreachable')).toBeUndefined();
    expect(outcomeOfReport({ kind: 'timeout', detail: 'no answer before its deadline' })).toEqual({
      kind: 'timeout',
      detail: 'no answer before its deadline',
    });
  });
});
