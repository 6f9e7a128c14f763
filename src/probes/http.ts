// HTTP GET with curl (the guide's `curl 192.168.0.2:5000`). curl's --write-out JSON gives the status and
// timings; its verbose trace gives the connect error (curl's own message does not say "refused").
import type { CommandResult } from '../hosts/command.ts';
import type { Outcome, ProbeSpec } from './outcome.ts';

export function httpArgv(spec: ProbeSpec, timeoutMs: number): string[] {
  if (!spec.port) throw new Error(`http probe to ${spec.to} needs a port`);
  return [
    'curl', '--silent', '--show-error', '--verbose', '--output', '/dev/null', '--noproxy', '*',
    '--max-time', String(timeoutMs / 1000), '--write-out', '%{json}',
    ...(spec.source ? ['--interface', spec.source] : []),
    `http://${spec.to}:${spec.port}/`,
  ];
}

const CONNECT_ERRORS: Array<[RegExp, Outcome['kind']]> = [
  [/Connection refused/, 'refused'],
  [/No route to host/, 'host-unreachable'],
  [/Network is unreachable/, 'network-unreachable'],
];

export function classifyHttp(result: CommandResult): Outcome {
  let report: { exitcode?: number; http_code?: number; time_total?: number; local_ip?: string; errormsg?: string | null };
  try {
    report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return { kind: 'error', detail: `curl exited ${result.exitCode}: ${result.stderr.trim().split('\n').pop()}` };
  }
  if (report.exitcode === 0) {
    return { kind: 'reachable', rttMs: (report.time_total ?? 0) * 1000, detail: `HTTP ${report.http_code} from ${report.local_ip}` };
  }
  if (report.exitcode === 28) return { kind: 'timeout', detail: 'no answer before --max-time' };
  const failure = /connect to \S+ port \d+ failed: (.+)/.exec(result.stderr)?.[1] ?? report.errormsg ?? '';
  const match = CONNECT_ERRORS.find(([pattern]) => pattern.test(failure));
  if (match) return { kind: match[1], detail: failure.trim() } as Outcome;
  return { kind: 'error', detail: `curl exit ${report.exitcode}: ${report.errormsg}` };
}
