// What a results file says of its run: the commit it was judged from, when, how long, with which tools and which
// NETNS_* settings, so that a row read later (on the site, in CI's artifacts) can be traced back.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { resolve } from 'node:path';
import type { RunInfo } from '../results/results-file.ts';
import { CHECKOUT } from '../checkout.ts';

/** git's answer, or undefined outside a git checkout (a packed tarball, a copy) */
function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', CHECKOUT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

function commitOf(): string | undefined {
  const head = git(['rev-parse', 'HEAD'])?.trim();
  if (!head) return undefined;
  return git(['status', '--porcelain', '--untracked-files=no'])?.trim() ? `${head}-dirty` : head;
}

/** the variables the harness sets for its own processes, not the caller's settings */
const INTERNAL = new Set(['NETNS_KEPT_FILE', 'NETNS_RUN_ID', 'NETNS_RUN_TEMP', 'NETNS_SLOTS', 'NETNS_NESTED_RUN']);

const versionOf = (packageJson: string): string => {
  const path = resolve(CHECKOUT, packageJson);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version : 'unknown';
};

export function runInfo(startedMs: number, now = Date.now()): RunInfo {
  const commit = commitOf();
  const settings = Object.fromEntries(
    Object.entries(process.env)
      .filter(([name, value]) => name.startsWith('NETNS_') && value !== undefined && !INTERNAL.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  ) as Record<string, string>;
  return {
    ...(process.env.NETNS_RUN_ID ? { id: process.env.NETNS_RUN_ID } : {}),
    ...(commit ? { commit } : {}),
    startedAt: new Date(startedMs).toISOString(),
    durationMs: now - startedMs,
    tools: {
      'netns-conformance': versionOf('package.json'),
      node: process.versions.node,
      vitest: versionOf('node_modules/vitest/package.json'),
      'machine kernel': release(),
    },
    settings,
  };
}
