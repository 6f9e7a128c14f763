// Expectations are a table handed to the probes: the same probes serve the guide's "before" and "after" states
// with different expected outcomes, and "must NOT reach, because …" is an expected outcome like any other.
import type { Host } from '../hosts/host.ts';
import { describeOutcome, describeProbe, type OutcomeKind, type ProbeResult, type ProbeSpec } from './outcome.ts';
import { probe } from './probe.ts';

export interface Expectation {
  probe: ProbeSpec;
  expect: OutcomeKind;
}

export interface Observation extends Expectation {
  result: ProbeResult;
  matches: boolean;
}

/** Runs the probes one after the other (counters and captures stay attributable) and compares each outcome. */
export async function observeReachability(host: Host, expectations: readonly Expectation[]): Promise<Observation[]> {
  const observations: Observation[] = [];
  for (const expectation of expectations) {
    const result = await probe(host, expectation.probe);
    observations.push({ ...expectation, result, matches: result.outcome.kind === expectation.expect });
  }
  return observations;
}

/** The truth table: probe, expected, observed, and a command to reproduce each mismatch. */
export function truthTable(observations: readonly Observation[]): string {
  const rows = observations.map((o) => [o.matches ? '✓' : '✗', describeProbe(o.probe), o.expect, describeOutcome(o.result.outcome)]);
  const widths = [1, ...[1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length), column === 1 ? 5 : 8))];
  const line = (cells: string[]) => cells.map((cell, index) => (index < 3 ? cell.padEnd(widths[index]!) : cell)).join('  ');
  const mismatches = observations.filter((o) => !o.matches);
  return [
    line([' ', 'probe', 'expected', 'observed']),
    ...rows.map(line),
    ...mismatches.map((o) => `reproduce (${describeProbe(o.probe)}): ${o.result.reproduce}`),
  ].join('\n');
}
