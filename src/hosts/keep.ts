// NETNS_KEEP: a host left up after the run, to get back into the live setup (on-failure: only a host whose
// tests failed; always: every host). A kept container is renamed netns-conformance-kept-<id>, which every
// automatic sweep leaves alone; `npm run sweep` removes it. A netns host lives only as long as the run's process,
// so it cannot be kept: asking for it on that backend is a one-line error.
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessSetupError } from '../setup-error.ts';

export const KEEP_MODES = ['never', 'on-failure', 'always'] as const;
export type KeepMode = (typeof KEEP_MODES)[number];
export const KEPT_PREFIX = 'netns-conformance-kept-';

export function keepMode(backend: string, env = process.env): KeepMode {
  const mode = (env.NETNS_KEEP ?? 'never') as KeepMode;
  if (!KEEP_MODES.includes(mode))
    throw new HarnessSetupError(`NETNS_KEEP=${env.NETNS_KEEP} is not one of ${KEEP_MODES.join(', ')}`);
  if (mode !== 'never' && backend !== 'container') {
    throw new HarnessSetupError(
      `NETNS_KEEP=${mode} needs container hosts (a netns host ends with the run's process); ` +
        `run with NETNS_HOST=container`,
    );
  }
  return mode;
}

/** What a person needs to get back into a kept host, and to remove it. */
export interface KeptHost {
  /** what it was judging: an implementation, a scenario */
  what: string;
  name: string;
  enter: string;
  remove: string;
}

/** Where a run's workers note the hosts they kept, for the reporter to print at the end (then removed). */
export const keptFileOf = (runId: string): string => join(tmpdir(), `netns-conformance-kept-${runId}.jsonl`);

export function recordKept(file: string, kept: KeptHost): void {
  appendFileSync(file, `${JSON.stringify(kept)}\n`);
}

/** The hosts a run kept; the file goes with the reading. */
export function takeKept(file: string | undefined): KeptHost[] {
  if (!file || !existsSync(file)) return [];
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as KeptHost);
  rmSync(file, { force: true });
  return kept;
}
