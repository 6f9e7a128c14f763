// HTTP GET with curl (the guide's `curl 192.168.0.2:5000`). curl's --write-out JSON, on the last line after the
// body, gives the status and timings; its verbose trace gives the connect error (curl's own message does not say
// "refused"); a body from the harness's responder says which source address the server saw.
import type { CommandResult } from '../hosts/command.ts';
import { errnoInText, outcomeOfErrno } from './classify.ts';
import { withPort, type Outcome, type ProbeSpec } from './outcome.ts';

/**
 * How long a server that accepted an HTTP probe's connection in time may take to answer, on a quiet machine: a
 * guard against a hang, paced, since the answer comes from a process, as late as the machine is busy. The path's
 * verdict rests on the connect, which the kernels at both ends make within the probe's deadline.
 */
export const ANSWER_GUARD_MS = 10_000;

export function httpArgv(spec: ProbeSpec, timeoutMs: number, answerMs: number): string[] {
  if (!spec.port) throw new Error(`http probe to ${spec.to} needs a port`);
  return [
    'curl',
    '--silent',
    '--show-error',
    '--verbose',
    '--noproxy',
    '*',
    '--connect-timeout',
    String(timeoutMs / 1000),
    '--max-time',
    String((timeoutMs + answerMs) / 1000),
    '--write-out',
    '\n%{json}',
    ...(spec.source ? ['--interface', spec.source] : []),
    `http://${withPort(spec.to, spec.port)}/`,
  ];
}

export function classifyHttp(result: CommandResult): Outcome {
  let report: {
    exitcode?: number;
    http_code?: number;
    time_total?: number;
    local_ip?: string;
    errormsg?: string | null;
  };
  const lines = result.stdout.trimEnd().split('\n');
  try {
    report = JSON.parse(lines.pop() ?? '');
  } catch {
    return { kind: 'error', detail: `curl exited ${result.exitCode}: ${result.stderr.trim().split('\n').pop()}` };
  }
  if (report.exitcode === 0) {
    const seenAs = peerInBody(lines.join('\n'));
    return {
      kind: 'reachable',
      rttMs: (report.time_total ?? 0) * 1000,
      detail: `HTTP ${report.http_code} from ${report.local_ip}`,
      ...(seenAs ? { seenAs } : {}),
    };
  }
  if (report.exitcode === 28)
    return {
      kind: 'timeout',
      detail: /^Connection timed out/.test(report.errormsg ?? '')
        ? 'no answer before --connect-timeout'
        : 'connected in time, but the server sent no HTTP answer within its guard (--max-time)',
    };
  // "connect to X port N failed: <errno text>" (curl 8.x adds "from Y port M" before "failed"), or, when the
  // kernel refuses at once (no route from a bound source address), "Immediate connect fail for X: <errno text>"
  const failure =
    /(?:connect to \S+ port \d+(?: from \S+ port \d+)? failed|Immediate connect fail for \S+): (.+)/.exec(
      result.stderr,
    )?.[1] ??
    report.errormsg ??
    '';
  const errno = errnoInText(failure);
  if (errno) return outcomeOfErrno(errno, failure.trim());
  return { kind: 'error', detail: `curl exit ${report.exitcode}: ${report.errormsg}` };
}

/** The responder's {"peer": "198.51.100.7"}; any other body says nothing about the source. */
function peerInBody(body: string): string | undefined {
  try {
    const peer = (JSON.parse(body) as { peer?: unknown }).peer;
    return typeof peer === 'string' ? peer : undefined;
  } catch {
    return undefined;
  }
}
