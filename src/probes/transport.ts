// TCP connect (the guide's `telnet 192.168.0.2 5000`) and a UDP exchange (property 8), each by a small Python probe
// (tcp-connect.py, udp-exchange.py) that prints one JSON line: the errno a failure came with, or for UDP the peer
// the harness's server saw.
import type { CommandResult } from '../hosts/command.ts';
import { pythonArgv, type PythonProgram } from './python-programs.ts';
import { outcomeOfErrno, outcomeOfIcmp } from './classify.ts';
import type { Outcome, ProbeSpec, Protocol } from './outcome.ts';

const PROGRAM: Record<Protocol, PythonProgram> = { tcp: 'tcp-connect', udp: 'udp-exchange' };

export const transportArgv =
  (protocol: Protocol) =>
  (spec: ProbeSpec, timeoutMs: number, answerMs: number): string[] => {
    if (!spec.port) throw new Error(`${protocol} probe to ${spec.to} needs a port`);
    // UDP's path is judged by when the server received (udp-exchange.py); its answer may come answerMs later
    const guard = protocol === 'udp' ? [String(answerMs / 1000)] : [];
    const args = [
      spec.to,
      String(spec.port),
      String(timeoutMs / 1000),
      ...guard,
      ...(spec.source ? [spec.source] : []),
    ];
    return pythonArgv(PROGRAM[protocol], args);
  };

interface Report {
  ok: boolean;
  rtt_ms?: number;
  /** TCP: the connection's own end */
  local?: string;
  /** UDP: the source the server saw */
  seen?: string;
  errno?: string;
  message?: string;
  /** UDP: the ICMP error behind a failure, [type, code], and its sender */
  icmp?: [number, number];
  from?: string;
}

export const classifyTransport =
  (protocol: Protocol) =>
  (result: CommandResult): Outcome => {
    let report: Report;
    try {
      report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
    } catch {
      const last = result.stderr.trim().split('\n').pop();
      return { kind: 'error', detail: `${protocol} probe exited ${result.exitCode}: ${last}` };
    }
    if (report.ok)
      return {
        kind: 'reachable',
        rttMs: report.rtt_ms ?? 0,
        ...(report.local ? { detail: `from ${report.local}` } : {}),
        ...(report.seen ? { seenAs: report.seen } : {}),
      };
    if (report.icmp) return outcomeOfIcmp(report.icmp[0], report.icmp[1], report.from ?? '?');
    const errno = report.errno ?? 'no errno';
    // udp-exchange.py says why it timed out (the server received it late, or nothing came)
    const outcome = outcomeOfErrno(errno, protocol === 'udp' ? (report.message ?? errno) : errno);
    if (outcome.kind === 'error')
      return { kind: 'error', detail: `${protocol} probe failed: ${report.errno} ${report.message ?? ''}` };
    return outcome;
  };
