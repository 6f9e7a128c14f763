// Removes host containers by label: those of one run (at its end, also after Ctrl-C), or those whose owning
// process is gone (a run that was killed). Containers of a live run are never touched.
// Synchronous on purpose: on Ctrl-C vitest calls process.exit(), and only synchronous work runs in 'exit'.
import { execFileSync } from 'node:child_process';
import { LABEL_OWNER, LABEL_RUN, ownerIsGone } from './run-labels.ts';

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

function harnessContainers(filter: string): Array<{ id: string; labels: Record<string, string> }> {
  const ids = docker(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${filter}`]).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const details = JSON.parse(docker(['inspect', ...ids])) as Array<{ Id: string; Config: { Labels: Record<string, string> | null } }>;
  return details.map((detail) => ({ id: detail.Id, labels: detail.Config.Labels ?? {} }));
}

function remove(ids: string[]): string[] {
  if (ids.length) docker(['rm', '--force', '--volumes', ...ids]);
  return ids.map((id) => id.slice(0, 12));
}

/** Removes every container of this run; returns the short ids removed. */
export function sweepRun(runId: string): string[] {
  return remove(harnessContainers(`${LABEL_RUN}=${runId}`).map((container) => container.id));
}

/** Removes the containers of runs whose owning process no longer exists on this machine. */
export function sweepAbandoned(): string[] {
  return remove(harnessContainers(LABEL_RUN).filter((c) => ownerIsGone(c.labels[LABEL_OWNER])).map((c) => c.id));
}
