// Runs a probe inside a host: one command built from the spec, its result mapped to an Outcome in one place.
import type { Host } from '../hosts/host.ts';
import { ANSWER_GUARD_MS, classifyHttp, httpArgv } from './http.ts';
import { paced } from '../pace.ts';
import type { ProbeKind, ProbeResult, ProbeSpec, Outcome } from './outcome.ts';
import { classifyPing, pingArgv } from './ping.ts';
import { classifyTransport, transportArgv } from './transport.ts';
import type { CommandResult } from '../hosts/command.ts';

const DEFAULT_TIMEOUT_MS = 2_000;

const PROBES: Record<
  ProbeKind,
  { argv: (spec: ProbeSpec, timeoutMs: number) => string[]; classify: (result: CommandResult) => Outcome }
> = {
  ping: { argv: pingArgv, classify: classifyPing },
  tcp: { argv: transportArgv('tcp'), classify: classifyTransport('tcp') },
  http: { argv: httpArgv, classify: classifyHttp },
  udp: { argv: transportArgv('udp'), classify: classifyTransport('udp') },
};

/** The command that runs one probe (also how a batched probe is reproduced on its own). */
export function probeArgv(spec: ProbeSpec): string[] {
  return PROBES[spec.kind].argv(spec, spec.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

export async function probe(host: Host, spec: ProbeSpec): Promise<ProbeResult> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { classify } = PROBES[spec.kind];
  const command = probeArgv(spec);
  // a server's answer may come as late as its guard after the deadline: curl's (http.ts), udp-exchange.py's
  const answered = spec.kind === 'http' ? paced(ANSWER_GUARD_MS) : spec.kind === 'udp' ? timeoutMs : 0;
  const result = await host.exec(command, {
    ns: spec.from,
    timeoutMs: timeoutMs + answered + 5_000,
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
