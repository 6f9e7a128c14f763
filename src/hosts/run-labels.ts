// Every container the harness starts carries these labels, so a later run (or `npm run sweep`) can find what a
// killed run left behind, and two runs at once never touch each other's containers.
import { hostname } from 'node:os';

export const LABEL_RUN = 'netns-conformance.run';
export const LABEL_OWNER = 'netns-conformance.owner';
export const LABEL_SUITE = 'netns-conformance.suite';

/** a container's id as `docker ps` prints it */
export const shortId = (id: string): string => id.slice(0, 12);

/** The process that owns a run: `<machine>:<pid>`; its containers are leftovers once that pid is gone. */
export function ownerOf(pid: number = process.pid): string {
  return `${hostname()}:${pid}`;
}

/** True when the owner label names a process of this machine that no longer exists. */
export function ownerIsGone(owner: string | undefined): boolean {
  const match = /^(.*):(\d+)$/.exec(owner ?? '');
  if (!match || match[1] !== hostname()) return false;
  try {
    process.kill(Number(match[2]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
