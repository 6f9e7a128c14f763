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
};

/** ICMP destination unreachable (type 3), by code: net, host, net and host prohibited, communication prohibited */
export const ICMP_UNREACHABLE = 3;
const BY_ICMP_CODE: Readonly<Record<number, Failure>> = {
  0: 'network-unreachable',
  1: 'host-unreachable',
  9: 'filtered',
  10: 'filtered',
  13: 'filtered',
};

/** the errnos' texts (strerror) as curl prints them */
const ERRNO_TEXTS: ReadonlyArray<[RegExp, string]> = [
  [/Connection refused/, 'ECONNREFUSED'],
  [/No route to host/, 'EHOSTUNREACH'],
  [/Network is unreachable/, 'ENETUNREACH'],
];

/** the ICMP codes as iputils ping words them ("From 172.31.0.1 icmp_seq=1 Destination Net Unreachable") */
const ICMP_TEXTS: ReadonlyArray<[RegExp, number]> = [
  [/Net Unreachable/i, 0],
  [/Host Unreachable/i, 1],
  [/Net Prohibited/i, 9],
  [/Host Prohibited/i, 10],
  [/Packet filtered/i, 13],
];

/** A connect or send that failed with `errno` ('ECONNREFUSED'); `detail` says it in the prober's words. */
export function outcomeOfErrno(errno: string, detail: string = errno): Outcome {
  const kind = BY_ERRNO[errno];
  return kind ? ({ kind, detail } as Outcome) : { kind: 'error', detail: `failed with ${errno}: ${detail}` };
}

/** An ICMP error from `from` in answer to the probe. */
export function outcomeOfIcmp(type: number, code: number, from: string, detail?: string): Outcome {
  const kind = type === ICMP_UNREACHABLE ? BY_ICMP_CODE[code] : undefined;
  if (!kind) return { kind: 'error', detail: `ICMP type ${type} code ${code} from ${from}, not a probe's answer` };
  return (detail ? { kind, from, detail } : { kind, from }) as Outcome;
}

/** The errno whose text a message carries ("connect to … failed: Connection refused"). */
export function errnoInText(text: string): string | undefined {
  return ERRNO_TEXTS.find(([words]) => words.test(text))?.[1];
}

/** The ICMP destination-unreachable code that ping's words name, if they name one. */
export function icmpCodeInText(text: string): number | undefined {
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
