// Removes host containers by label: those of one run (its teardown, also after Ctrl-C), or those whose owning
// process is gone (a run that was killed). Containers of a live run are never touched.
import { execa } from 'execa';
import { LABEL_OWNER, LABEL_RUN, ownerIsGone } from './run-labels.ts';

interface LabelledContainer {
  id: string;
  labels: Record<string, string>;
}

async function harnessContainers(filter: string): Promise<LabelledContainer[]> {
  const listed = await execa('docker', ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${filter}`]);
  const ids = listed.stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = await execa('docker', ['inspect', ...ids], { reject: false });
  const details = JSON.parse(inspected.stdout || '[]') as Array<{ Id: string; Config: { Labels: Record<string, string> | null } }>;
  return details.map((detail) => ({ id: detail.Id, labels: detail.Config.Labels ?? {} }));
}

async function remove(containers: LabelledContainer[]): Promise<string[]> {
  if (containers.length === 0) return [];
  await execa('docker', ['rm', '--force', '--volumes', ...containers.map((container) => container.id)], { reject: false });
  return containers.map((container) => container.id.slice(0, 12));
}

/** Removes every container of this run; returns the short ids removed. */
export async function sweepRun(runId: string): Promise<string[]> {
  return remove(await harnessContainers(`${LABEL_RUN}=${runId}`));
}

/** Removes the containers of runs whose owning process no longer exists on this machine. */
export async function sweepAbandoned(): Promise<string[]> {
  const containers = await harnessContainers(LABEL_RUN);
  return remove(containers.filter((container) => ownerIsGone(container.labels[LABEL_OWNER])));
}
