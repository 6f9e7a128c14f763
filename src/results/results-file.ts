// reports/conformance.json: what a run judged and what it ran on, versioned, so that a reader (the site, CI,
// another tool) can tell which shape it reads. schemaVersion 1: {schemaVersion, run, results, kept}; before it, a
// file had {results, kept} alone.
import { readFileSync } from 'node:fs';
import type { KeptHost } from '../hosts/keep.ts';
import type { ResultRow } from './row.ts';

export const SCHEMA_VERSION = 1;

/** The run as a whole: when, from which commit, with which tools and settings. */
export interface RunInfo {
  /**
   * NETNS_RUN_ID when the caller gave one (a run that wrapped this one tells its own file by it), else the harness's
   * own; each Allure test of the run carries it as its `run` label
   */
  id?: string;
  /** the checkout's commit, with "-dirty" when it had changes; absent outside a git checkout */
  commit?: string;
  startedAt: string;
  durationMs: number;
  /** versions: the harness, Node, vitest; the machine's kernel (each row has its host's) */
  tools: Record<string, string>;
  /** the NETNS_* variables the run was given */
  settings: Record<string, string>;
}

export interface ResultsFile {
  schemaVersion: typeof SCHEMA_VERSION;
  run: RunInfo;
  results: ResultRow[];
  kept: KeptHost[];
}

/** A results file as a reader needs it; one line naming the problem when it is not one this version reads. */
export function readResults(path: string): ResultsFile {
  let parsed: Partial<ResultsFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResultsFile>;
  } catch (error) {
    throw new Error(`${path} cannot be read as JSON (${(error as Error).message})`);
  }
  if (parsed.schemaVersion !== SCHEMA_VERSION || !Array.isArray(parsed.results))
    throw new Error(
      `${path} has schemaVersion ${String(parsed.schemaVersion)}, this harness reads ${SCHEMA_VERSION}; ` +
        'run npm run conformance again to write it anew',
    );
  return parsed as ResultsFile;
}
