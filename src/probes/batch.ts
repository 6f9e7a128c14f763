// Many probes by one process inside the host (batch-prober.py), for scale: every probe of a table in flight at
// once, one command in all. Outcomes are the same typed ones the one-probe commands give; the evidence of each is
// that one command, and reproducing a single probe is its own command (probe.ts).
import { readFileSync } from 'node:fs';
import type { Host } from '../hosts/host.ts';
import type { Outcome, ProbeResult, ProbeSpec } from './outcome.ts';
import { probeArgv } from './probe.ts';
import { PYTHON } from './tcp.ts';

const SCRIPT = readFileSync(new URL('./batch-prober.py', import.meta.url), 'utf8');
const BATCH_DEADLINE_MS = 2_000;

export async function probeBatch(host: Host, specs: readonly ProbeSpec[], timeoutMs = BATCH_DEADLINE_MS): Promise<ProbeResult[]> {
  const unsupported = specs.find((spec) => spec.kind === 'tcp');
  if (unsupported) throw new Error(`the batch prober does ping and http, not ${unsupported.kind}`);
  const request = { timeoutMs, probes: specs.map((spec) => ({ kind: spec.kind, ns: spec.from ?? null, to: spec.to, port: spec.port ?? null, source: spec.source ?? null })) };
  const command = await host.exec([PYTHON, '-c', SCRIPT], { stdin: JSON.stringify(request), timeoutMs: timeoutMs + 60_000, display: `${PYTHON} -c <batch-prober.py> (${specs.length} probes)` });
  const outcomes = command.stdout.trim().split('\n').map((line) => JSON.parse(line) as Outcome);
  if (outcomes.length !== specs.length) throw new Error(`the batch prober gave ${outcomes.length} outcomes for ${specs.length} probes: ${command.stderr.trim()}`);
  return specs.map((spec, index) => ({ spec, outcome: outcomes[index]!, command, reproduce: host.reproduce(probeArgv(spec), spec.from) }));
}
