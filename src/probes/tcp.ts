// TCP connect (the guide's `telnet 192.168.0.2 5000`), by a small Python probe that reports the errno.
import type { CommandResult } from '../hosts/command.ts';
import { pythonArgv } from './python-programs.ts';
import { outcomeOfErrno } from './classify.ts';
import type { Outcome, ProbeSpec } from './outcome.ts';

export function tcpArgv(spec: ProbeSpec, timeoutMs: number): string[] {
  if (!spec.port) throw new Error(`tcp probe to ${spec.to} needs a port`);
  const args = [spec.to, String(spec.port), String(timeoutMs / 1000), ...(spec.source ? [spec.source] : [])];
  return pythonArgv('tcp-connect', args);
}

export function classifyTcp(result: CommandResult): Outcome {
  let report: { ok: boolean; rtt_ms?: number; local?: string; errno?: string; message?: string };
  try {
    report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return { kind: 'error', detail: `tcp probe exited ${result.exitCode}: ${result.stderr.trim().split('\n').pop()}` };
  }
  if (report.ok) return { kind: 'reachable', rttMs: report.rtt_ms ?? 0, detail: `from ${report.local}` };
  const outcome = outcomeOfErrno(report.errno ?? 'no errno');
  if (outcome.kind === 'error')
    return { kind: 'error', detail: `connect failed: ${report.errno} ${report.message ?? ''}` };
  return outcome;
}
