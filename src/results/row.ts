// One judged probe, as reports/conformance.json holds it: the same data the terminal's truth table, the Allure
// report and CI read.
import type { Outcome, ProbeKind } from '../probes/outcome.ts';
import type { Family } from '../world/world.ts';

export type Verdict = 'pass' | 'fail' | 'skip';

/** What all rows of one judged host share: which implementation, on what. */
export interface Cell {
  implementation: string;
  /** the host kind: container, netns (vm later) */
  host: string;
  kernel: string;
  /** iptables-nft, iptables-legacy (nft later) */
  firewall: string;
}

/** The cell of the rows judged in one host. */
export function resultCell(implementation: string, on: { host: string; kernel?: string; firewall: string }): Cell {
  return { implementation, host: on.host, kernel: on.kernel ?? '', firewall: on.firewall };
}

/** A cell in one family as one line, "guide · netns · 6.18.44 · iptables-nft · ipv4": the site's and Allure's key. */
export const cellKeyOf = (cell: Cell & { family: string }): string =>
  [cell.implementation, cell.host, cell.kernel, cell.firewall, cell.family].join(' · ');

/** The rows of the property suite, and those of the guide's walkthrough (its steps and scenarios, one by one). */
export type Origin = 'conformance' | 'walkthrough';

/** A row's probe as fields, beside its sentence; absent on a row that ran none (a skip, a removal compared). */
export interface ProbeFields {
  probeKind: ProbeKind;
  /** a workload's label, a namespace, "host" */
  from: string;
  to: string;
  port?: number;
  /** the source address it was sent from, when it chose one */
  source?: string;
}

export interface ResultRow extends Cell, Partial<ProbeFields> {
  /** set when the run's rows are collected, from the file that judged it */
  origin?: Origin;
  property: string;
  /** the address family its probe spoke */
  family: Family;
  /** "ping a → 192.168.0.1" */
  probe: string;
  /** "reachable, seen as 172.31.8.154" */
  expected: string;
  observed: string;
  verdict: Verdict;
  /** the outcome's class, apart from its sentence in `observed` */
  outcome?: Outcome['kind'];
  /** a reachable probe's round trip */
  rttMs?: number;
  /** the source address the far side saw, when it says */
  seenAs?: string;
  /** the cause, on a fail or a skip */
  why?: string;
  /** a command that runs the probe again, while the host is up */
  reproduce?: string;
  /** set on a fail whose implementation could not be built: a set-up failure, no probe ran */
  notBuilt?: true;
}
