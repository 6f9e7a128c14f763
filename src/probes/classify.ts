// The one place where what a prober saw becomes an outcome. Every prober reports what the kernel told it — the
// errno a connect or send failed with, or an ICMP destination-unreachable's code — in its own words: batch-prober.py
// and tcp-connect.py by errno name and code number, curl and iputils ping in text. The words are mapped to those
// facts, and the facts to an outcome, here only.
import type { Outcome } from './outcome.ts';

type Failure = Exclude<Outcome['kind'], 'reachable' | 'error'>;

/** what connect(2) and sendto(2) fail with, by errno name */
const BY_ERRNO: Readonly<Record<string, Failure>> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  ENETUNREACH: 'network-unreachable',
  EHOSTUNREACH: 'host-unreachable',
  // TCP over IPv6 when an ICMPv6 administratively-prohibited (or policy, or reject-route) error comes back
  EACCES: 'filtered',
};

/**
 * Destination unreachable, ICMP's type 3 and ICMPv6's type 1, by "type/code": net, host, port (a UDP probe's),
 * net and host prohibited, communication prohibited (ICMP, RFC 792 and 1812); no route, administratively
 * prohibited, address unreachable, port unreachable, source address failed policy, reject route (ICMPv6, RFC 4443).
 */
const BY_ICMP: Readonly<Record<string, Failure>> = {
  '3/0': 'network-unreachable',
  '3/1': 'host-unreachable',
  '3/3': 'refused',
  '3/9': 'filtered',
  '3/10': 'filtered',
  '3/13': 'filtered',
  '1/0': 'network-unreachable',
  '1/1': 'filtered',
  '1/3': 'host-unreachable',
  '1/4': 'refused',
  '1/5': 'filtered',
  '1/6': 'filtered',
};

/** the errnos' texts (strerror) as curl prints them */
const ERRNO_TEXTS: ReadonlyArray<[RegExp, string]> = [
  [/Connection refused/, 'ECONNREFUSED'],
  [/No route to host/, 'EHOSTUNREACH'],
  [/Network is unreachable/, 'ENETUNREACH'],
];

/** the ICMP and ICMPv6 errors as iputils ping words them ("From 172.31.0.1 icmp_seq=1 Destination Net Unreachable",
 * "From fd00::1 icmp_seq=1 Destination unreachable: Address unreachable"), as [type, code] */
const ICMP_TEXTS: ReadonlyArray<[RegExp, [number, number]]> = [
  [/Net Unreachable/, [3, 0]],
  [/Host Unreachable/, [3, 1]],
  [/Net Prohibited/, [3, 9]],
  [/Host Prohibited/, [3, 10]],
  [/Packet filtered/, [3, 13]],
  [/unreachable: No route/, [1, 0]],
  [/unreachable: Administratively prohibited/, [1, 1]],
  [/unreachable: Address unreachable/, [1, 3]],
  [/unreachable: Source address failed ingress\/egress policy/, [1, 5]],
  [/unreachable: Reject route to destination/, [1, 6]],
];

/** A connect or send that failed with `errno` ('ECONNREFUSED'); `detail` says it in the prober's words. */
export function outcomeOfErrno(errno: string, detail: string = errno): Outcome {
  const kind = BY_ERRNO[errno];
  return kind ? ({ kind, detail } as Outcome) : { kind: 'error', detail: `failed with ${errno}: ${detail}` };
}

/** An ICMP error from `from` in answer to the probe. */
export function outcomeOfIcmp(type: number, code: number, from: string, detail?: string): Outcome {
  const kind = BY_ICMP[`${type}/${code}`];
  if (!kind) return { kind: 'error', detail: `ICMP type ${type} code ${code} from ${from}, not a probe's answer` };
  return (detail ? { kind, from, detail } : { kind, from }) as Outcome;
}

/** The errno whose text a message carries ("connect to … failed: Connection refused"). */
export function errnoInText(text: string): string | undefined {
  return ERRNO_TEXTS.find(([words]) => words.test(text))?.[1];
}

/** The ICMP or ICMPv6 error, [type, code], that ping's words name, if they name one. */
export function icmpInText(text: string): [number, number] | undefined {
  return ICMP_TEXTS.find(([words]) => words.test(text))?.[1];
}

/** What batch-prober.py says of one probe: an outcome it could tell alone, or what the kernel told it. */
export type ProberReport = Outcome | { errno: string; detail: string } | { icmp: [number, number]; from: string };

export function outcomeOfReport(report: ProberReport): Outcome {
  if ('errno' in report) return outcomeOfErrno(report.errno, report.detail);
  if ('icmp' in report) {
    const [type, code] = report.icmp;
    return outcomeOfIcmp(type, code, report.from, `ICMP type ${type} code ${code}`);
  }
  return report;
}
