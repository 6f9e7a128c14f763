// Many probes by one process inside the host (batch-prober.py): every probe of the tables in flight at once, and
// the servers they probe listening in the same process before the first probe leaves — one command in all.
// Outcomes are the same typed ones the one-probe commands give; the evidence of each is that one command, and
// reproducing a single probe is its own command (probe.ts).
import { CommandError, type CommandResult } from '../hosts/command.ts';
import type { Host } from '../hosts/host.ts';
import { paced } from '../pace.ts';
import { ANSWER_GUARD_MS } from './http.ts';
import { outcomeOfReport, type ProberReport } from './classify.ts';
import type { ProbeResult, ProbeSpec, Protocol } from './outcome.ts';
import { probeArgv } from './probe.ts';
import { programDisplay, pythonArgv } from './python-programs.ts';

/** each probe's own deadline, from the moment it leaves (as `ping -W 2` has) */
const PROBE_DEADLINE_MS = 2_000;
/** the whole batch's, a backstop: connections go 64 at a time, so a batch of silent ones takes a deadline per 64 */
const BATCH_BACKSTOP_MS = 10 * 60_000;
/** its first argument: the name it has in `ps`, for people and for the self-tests that look for it */
export const PROBER_NAME = 'netns-conformance-prober';
const PROBER_ARGV = pythonArgv('batch-prober', [PROBER_NAME]);
/** how long a prober started ahead may wait for its probes: a build may take minutes (an engine that starts) */
const AHEAD_WAITS_MS = 15 * 60_000;

/** A server the prober keeps while it probes: on a port of a namespace (undefined: the host's own). */
export interface Served {
  ns?: string;
  port: number;
  /** absent: tcp */
  protocol?: Protocol;
}

/** "internet:80", "web:5000/udp" */
export const describeServed = ({ ns, port, protocol }: Served): string =>
  `${ns ?? 'host'}:${port}${protocol === 'udp' ? '/udp' : ''}`;

interface StartedAhead {
  send(request: string): void;
  command: Promise<CommandResult>;
  exited: boolean;
}

/** per host, the prober started ahead and not yet given its probes */
const ahead = new WeakMap<Host, StartedAhead>();

/**
 * Starts the host's next prober now, before its probes are known: Python's start (about 20 ms, most of a small
 * batch's cost) then overlaps what the host does meanwhile, such as an implementation's build, and the next
 * probeBatch on this host hands it its probes. It only reads its input until then: no socket, no packet. One
 * never used ends when its host stops.
 */
export function startProberAhead(host: Host): void {
  if (ahead.has(host)) return;
  let send!: (request: string) => void;
  const stdin = new Promise<string>((resolve) => (send = resolve));
  const display = `${programDisplay('batch-prober')} (started ahead of its probes, which come on stdin)`;
  const command = host.exec(PROBER_ARGV, { stdin, timeoutMs: AHEAD_WAITS_MS, expectExit: 'any', display });
  const started: StartedAhead = { send, command, exited: false };
  ahead.set(host, started);
  const forget = host.beforeStop(async () => {
    if (ahead.get(host) === started) {
      ahead.delete(host);
      send(''); // an empty input: the prober ends at once
    }
    await command;
  });
  void command.then(() => {
    started.exited = true;
    forget();
  });
}

/**
 * serve: the servers the probes need, kept by the prober itself (each answers with the peer it saw).
 * stopWhenSent (self-tests): the prober stops itself (SIGSTOP) once its probes are out, as a busy machine
 * deschedules it, until someone sends it SIGCONT.
 */
export async function probeBatch(
  host: Host,
  specs: readonly ProbeSpec[],
  serve: readonly Served[] = [],
  timeoutMs = PROBE_DEADLINE_MS,
  { stopWhenSent = false } = {},
): Promise<ProbeResult[]> {
  const request = JSON.stringify({
    timeoutMs,
    answerGuardMs: paced(ANSWER_GUARD_MS),
    stopWhenSent,
    serve: serve.map(({ ns, port, protocol }) => ({ ns: ns ?? null, port, protocol: protocol ?? 'tcp' })),
    probes: specs.map((spec) => ({
      kind: spec.kind,
      ns: spec.from ?? null,
      to: spec.to,
      port: spec.port ?? null,
      source: spec.source ?? null,
    })),
  });
  const command = await proberRun(host, request, () => {
    const serving = serve.length ? `, serving ${serve.map(describeServed).join(' ')}` : '';
    return host.exec(PROBER_ARGV, {
      stdin: request,
      timeoutMs: BATCH_BACKSTOP_MS,
      expectExit: 'any',
      display: `${programDisplay('batch-prober')} (${specs.length} probes${serving})`,
    });
  });
  if (command.exitCode !== 0) throw new CommandError(host.name, command, 0);
  const lines = command.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { outcome: ProberReport; ms: number });
  if (lines.length !== specs.length)
    throw new Error(
      `the batch prober gave ${lines.length} outcomes for ${specs.length} probes: ${command.stderr.trim()}`,
    );
  return specs.map((spec, index) => ({
    spec,
    outcome: outcomeOfReport(lines[index]!.outcome),
    command,
    decidedMs: lines[index]!.ms,
    reproduce: host.reproduce(probeArgv(spec), spec.from),
  }));
}

/** The request, by the prober started ahead if one still waits, or else by one started now. */
function proberRun(host: Host, request: string, startNow: () => Promise<CommandResult>): Promise<CommandResult> {
  const started = ahead.get(host);
  ahead.delete(host);
  if (!started || started.exited) return startNow();
  started.send(request);
  return started.command;
}
