// Expectations are a table handed to the probes: the same probes serve the guide's "before" and "after" states
// with different expected outcomes, and "must NOT reach, because …" is an expected outcome like any other.
import type { Host } from '../hosts/host.ts';
import type { OutcomeKind, ProbeResult, ProbeSpec } from './outcome.ts';
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
