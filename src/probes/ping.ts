// ICMP echo with iputils ping: one request, and the reason when no reply comes.
import type { CommandResult } from '../hosts/command.ts';
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
  const icmp = /From (\S+)(?: icmp_seq=\d+)? (.+)/.exec(text);
  if (icmp) {
    const [, from, message] = icmp;
    if (/Net Unreachable/i.test(message!)) return { kind: 'network-unreachable', from };
    if (/Host Unreachable/i.test(message!)) return { kind: 'host-unreachable', from };
    if (/Packet filtered|prohibited/i.test(message!)) return { kind: 'filtered', from };
  }
  if (/Network is unreachable/.test(text)) return { kind: 'network-unreachable', detail: 'no route' };
  if (result.exitCode === 1 && /0 received/.test(text)) return { kind: 'timeout', detail: 'no echo reply' };
  return { kind: 'error', detail: `ping exited ${result.exitCode}: ${text.trim().split('\n').pop()}` };
}
