// What a probe observed: a closed union, so an expectation names the exact reason (reachable, or unreachable
// because of a timeout, a routing failure, a refusal …) and a test cannot pass for the wrong reason.
import type { CommandResult } from '../hosts/command.ts';

export type Outcome =
  /** seenAs: the source address the far side saw, when it says (the harness's responder does) */
  | { kind: 'reachable'; rttMs: number; detail?: string; seenAs?: string }
  /** nothing came back before the deadline (a drop somewhere, or a reply that could not be routed) */
  | { kind: 'timeout'; detail?: string }
  /** no route: locally (`from` undefined) or an ICMP net-unreachable from the router `from` */
  | { kind: 'network-unreachable'; from?: string; detail?: string }
  /** the neighbour did not answer ARP, or an ICMP host-unreachable from `from` */
  | { kind: 'host-unreachable'; from?: string; detail?: string }
  /** the far side answered with a TCP reset: nothing listens there */
  | { kind: 'refused'; detail?: string }
  /** a firewall rejected it with ICMP administratively prohibited (ping; TCP sees that as host-unreachable) */
  | { kind: 'filtered'; from?: string; detail?: string }
  /** the probe itself could not run or its output was not understood: never what a test expects */
  | { kind: 'error'; detail: string };

export type OutcomeKind = Outcome['kind'];

/** ping: ICMP echo; tcp: a connect; http: a GET over it; udp: a datagram to the harness's server, and its answer */
export type ProbeKind = 'ping' | 'tcp' | 'http' | 'udp';
/** a transport a server of the harness speaks */
export type Protocol = 'tcp' | 'udp';

export interface ProbeSpec {
  kind: ProbeKind;
  /** namespace inside the host to probe from; undefined is the host's own namespace */
  from?: string;
  /** what to call `from` in reports: a workload's label ("a") rather than its namespace (/proc/4711/ns/net) */
  fromLabel?: string;
  /** source address to send from (must be on a local interface of `from`) */
  source?: string;
  to: string;
  port?: number;
  /** how long to wait for an answer; default 2 s */
  timeoutMs?: number;
}

export interface ProbeResult {
  spec: ProbeSpec;
  outcome: Outcome;
  /** the command that ran, its exit status and output: the evidence (for a batched probe, the whole batch) */
  command: CommandResult;
  /** how long it took to decide: its command's run, or its own part of a batch */
  decidedMs: number;
  /** the same probe as a command to paste on this machine */
  reproduce: string;
}

/** "reachable (0.4 ms)", "network-unreachable (ICMP from 172.31.0.1)", "timeout" … */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'reachable':
      return (
        `reachable (${outcome.rttMs.toFixed(1)} ms${outcome.detail ? `, ${outcome.detail}` : ''}` +
        `${outcome.seenAs ? `, seen as ${outcome.seenAs}` : ''})`
      );
    case 'network-unreachable':
    case 'host-unreachable':
    case 'filtered':
      return outcome.from
        ? `${outcome.kind} (ICMP from ${outcome.from})`
        : outcome.detail
          ? `${outcome.kind} (${outcome.detail})`
          : outcome.kind;
    default:
      return outcome.detail ? `${outcome.kind} (${outcome.detail})` : outcome.kind;
  }
}

/** An address with a port, as a URL writes it: 172.31.8.154:5000, [2001:db8:31::8:154]:5000. */
export const withPort = (address: string, port: number): string =>
  `${address.includes(':') ? `[${address}]` : address}:${port}`;

/** what a probe's sentence calls where it was sent from: a workload's label, a namespace, or the host */
const fromOf = (spec: ProbeSpec): string => spec.fromLabel ?? spec.from ?? 'host';

/** The probe as the fields of a result row. */
export const probeFields = (spec: ProbeSpec) => ({
  probeKind: spec.kind,
  from: fromOf(spec),
  to: spec.to,
  ...(spec.port ? { port: spec.port } : {}),
  ...(spec.source ? { source: spec.source } : {}),
});

/** "ping netns1 → 8.8.8.8", "http internet[198.51.100.7] → 172.31.8.154:5000" */
export function describeProbe(spec: ProbeSpec): string {
  const from = `${fromOf(spec)}${spec.source ? `[${spec.source}]` : ''}`;
  return `${spec.kind} ${from} → ${spec.port ? withPort(spec.to, spec.port) : spec.to}`;
}
