// Runs a probe inside a host: one command built from the spec, its result mapped to an Outcome in one place.
import type { Host } from '../hosts/host.ts';
import { ANSWER_GUARD_MS, classifyHttp, httpArgv } from './http.ts';
import { paced } from '../pace.ts';
import type { ProbeKind, ProbeResult, ProbeSpec, Outcome } from './outcome.ts';
import { classifyPing, pingArgv } from './ping.ts';
import { classifyTransport, transportArgv } from './transport.ts';
import type { CommandResult } from '../hosts/command.ts';

const DEFAULT_TIMEOUT_MS = 2_000;

interface ProbeCommand {
  /** answerMs: how long after its deadline the probe still waits for a server's answer (see answerMs) */
  argv: (spec: ProbeSpec, timeoutMs: number, answerMs: number) => string[];
  classify: (result: CommandResult) => Outcome;
  /**
   * A server (a process) answers as late as the machine lets it: once the path is proven in time, by the
   * handshake (HTTP) or the server's receipt (UDP), it gets this long after the deadline to answer.
   */
  answerMs: (timeoutMs: number) => number;
}

const NO_ANSWER = () => 0;
const PROBES: Record<ProbeKind, ProbeCommand> = {
  ping: { argv: pingArgv, classify: classifyPing, answerMs: NO_ANSWER },
  tcp: { argv: transportArgv('tcp'), classify: classifyTransport('tcp'), answerMs: NO_ANSWER },
  http: { argv: httpArgv, classify: classifyHttp, answerMs: () => paced(ANSWER_GUARD_MS) },
  // the verdicts come from the batch prober, which serves its own UDP and knows when it received: a lone UDP
  // probe reproduces one, or re-runs it to diagnose, and waits one more deadline for a responder's answer
  udp: { argv: transportArgv('udp'), classify: classifyTransport('udp'), answerMs: (timeoutMs) => timeoutMs },
};

/** A probe's deadline, and how long after it the probe waits for an answer. */
function waitsOf(spec: ProbeSpec): { timeoutMs: number; answerMs: number } {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return { timeoutMs, answerMs: PROBES[spec.kind].answerMs(timeoutMs) };
}

/** The command that runs one probe (also how a batched probe is reproduced on its own). */
export function probeArgv(spec: ProbeSpec): string[] {
  const { timeoutMs, answerMs } = waitsOf(spec);
  return PROBES[spec.kind].argv(spec, timeoutMs, answerMs);
}

export async function probe(host: Host, spec: ProbeSpec): Promise<ProbeResult> {
  const { timeoutMs, answerMs } = waitsOf(spec);
  const { classify } = PROBES[spec.kind];
  const command = probeArgv(spec);
  const result = await host.exec(command, {
    ns: spec.from,
    timeoutMs: timeoutMs + answerMs + 5_000,
    expectExit: 'any',
  });
  return {
    spec,
    outcome: classify(result),
    command: result,
    decidedMs: result.durationMs,
    reproduce: host.reproduce(command, spec.from),
  };
}

/** Shorthands that read like the guide: ping('netns1', '192.168.0.1'). */
export const ping = (from: string | undefined, to: string, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({
  kind: 'ping',
  from,
  to,
  ...extra,
});
export const tcp = (from: string | undefined, to: string, port: number, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({
  kind: 'tcp',
  from,
  to,
  port,
  ...extra,
});
export const http = (
  from: string | undefined,
  to: string,
  port: number,
  extra: Partial<ProbeSpec> = {},
): ProbeSpec => ({ kind: 'http', from, to, port, ...extra });
export const udp = (from: string | undefined, to: string, port: number, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({
  kind: 'udp',
  from,
  to,
  port,
  ...extra,
});
