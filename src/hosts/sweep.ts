// Removes host containers by label: those of one run (at its end, also after Ctrl-C), or those whose owning
// process is gone (a run that was killed). Containers of a live run are never touched, nor kept hosts (NETNS_KEEP),
// which only `npm run sweep` removes.
// Synchronous on purpose: on Ctrl-C vitest calls process.exit(), and only synchronous work runs in 'exit'.
// Concurrent runs sweep too, so a container may vanish between listing and removing it: that is no error.
import { execFileSync } from 'node:child_process';
import { KEPT_PREFIX } from './keep.ts';
import { LABEL_OWNER, LABEL_RUN, ownerIsGone, shortId } from './run-labels.ts';

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

/**
 * id and owner of each container with the label, in one listing (no inspect that could race a removal);
 * kept hosts (NETNS_KEEP) only when asked for.
 */
function harnessContainers(
  filter: string,
  kept: 'without kept' | 'with kept' = 'without kept',
): Array<{ id: string; owner: string }> {
  const listed = docker([
    'ps',
    '--all',
    '--no-trunc',
    '--filter',
    `label=${filter}`,
    '--format',
    `{{.ID}}\t{{.Label "${LABEL_OWNER}"}}\t{{.Names}}`,
  ]);
  return listed
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const [id, owner, name] = line.split('\t');
      return kept === 'without kept' && name?.startsWith(KEPT_PREFIX) ? [] : [{ id: id!, owner: owner ?? '' }];
    });
}

function remove(ids: string[]): string[] {
  const removed = ids.filter((id) => {
    try {
      docker(['rm', '--force', '--volumes', id]);
      return true;
    } catch (error) {
      // another run (or a killed run's reaper) was first, or still is
      if (
        /No such container|removal of container \S+ is already in progress/.test(
          String((error as { stderr?: string }).stderr),
        )
      )
        return false;
      throw error;
    }
  });
  return removed.map(shortId);
}

/** Removes every container of this run; returns the short ids removed. */
export function sweepRun(runId: string): string[] {
  return remove(harnessContainers(`${LABEL_RUN}=${runId}`).map((container) => container.id));
}

/** Removes the containers of runs whose owning process no longer exists on this machine (kept hosts too, if asked). */
export function sweepAbandoned(kept: 'without kept' | 'with kept' = 'without kept'): string[] {
  return remove(
    harnessContainers(LABEL_RUN, kept)
      .filter((c) => ownerIsGone(c.owner))
      .map((c) => c.id),
  );
}
