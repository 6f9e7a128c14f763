// ICMP echo with iputils ping: one request, and the reason when no reply comes.
import type { CommandResult } from '../hosts/command.ts';
import { errnoInText, icmpInText, outcomeOfErrno, outcomeOfIcmp } from './classify.ts';
import type { Outcome, ProbeSpec } from './outcome.ts';

export function pingArgv(spec: ProbeSpec, timeoutMs: number): string[] {
  // iputils takes a fraction of a second (-W 0.3): a negative decided by evidence waits no longer than that
  const wait = String(Math.max(100, timeoutMs) / 1000);
  return ['ping', '-n', '-c', '1', '-W', wait, ...(spec.source ? ['-I', spec.source] : []), spec.to];
}

export function classifyPing(result: CommandResult): Outcome {
  const text = `${result.stdout}\n${result.stderr}`;
  const rtt = /time=([\d.]+) ms/.exec(text);
  if (result.exitCode === 0 && rtt) return { kind: 'reachable', rttMs: Number(rtt[1]) };
  const [, from, message] = /From (\S+)(?: icmp_seq=\d+)? (.+)/.exec(text) ?? [];
  const icmp = message === undefined ? undefined : icmpInText(message);
  if (icmp) return outcomeOfIcmp(...icmp, from!);
  // sendto(2) failed at once ("ping: connect: Network is unreachable"): no route in the probing namespace
  if (errnoInText(text) === 'ENETUNREACH') return outcomeOfErrno('ENETUNREACH', 'no route');
  if (result.exitCode === 1 && /0 received/.test(text)) return { kind: 'timeout', detail: 'no echo reply' };
  return { kind: 'error', detail: `ping exited ${result.exitCode}: ${text.trim().split('\n').pop()}` };
}
