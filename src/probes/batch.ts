// Many probes by one process inside the host (batch-prober.py): every probe of the tables in flight at once, and
// the servers they probe listening in the same process before the first probe leaves — one command in all.
// Outcomes are the same typed ones the one-probe commands give; the evidence of each is that one command, and
// reproducing a single probe is its own command (probe.ts).
import { readFileSync } from 'node:fs';
import type { Host } from '../hosts/host.ts';
import type { Outcome, ProbeResult, ProbeSpec } from './outcome.ts';
import { probeArgv } from './probe.ts';
import { PEER_REPLY } from './responder.ts';
import { PYTHON } from './tcp.ts';

const SCRIPT = PEER_REPLY + readFileSync(new URL('./batch-prober.py', import.meta.url), 'utf8');
const BATCH_DEADLINE_MS = 2_000;

/** A server the prober keeps while it probes: on a port of a namespace (undefined: the host's own). */
export interface Served {
  ns?: string;
  port: number;
}

/** serve: the servers the probes need, kept by the prober itself (each answers with the peer it saw). */
export async function probeBatch(host: Host, specs: readonly ProbeSpec[], serve: readonly Served[] = [], timeoutMs = BATCH_DEADLINE_MS): Promise<ProbeResult[]> {
  const request = {
    timeoutMs,
    serve: serve.map(({ ns, port }) => ({ ns: ns ?? null, port })),
    probes: specs.map((spec) => ({ kind: spec.kind, ns: spec.from ?? null, to: spec.to, port: spec.port ?? null, source: spec.source ?? null })),
  };
  const serving = serve.length ? `, serving ${serve.map(({ ns, port }) => `${ns ?? 'host'}:${port}`).join(' ')}` : '';
  const command = await host.exec([PYTHON, '-c', SCRIPT], { stdin: JSON.stringify(request), timeoutMs: timeoutMs + 60_000, display: `${PYTHON} -c <batch-prober.py> (${specs.length} probes${serving})` });
  const lines = command.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { outcome: Outcome; ms: number });
  if (lines.length !== specs.length) throw new Error(`the batch prober gave ${lines.length} outcomes for ${specs.length} probes: ${command.stderr.trim()}`);
  return specs.map((spec, index) => ({ spec, outcome: lines[index]!.outcome, command, decidedMs: lines[index]!.ms, reproduce: host.reproduce(probeArgv(spec), spec.from) }));
}
