// One temporary folder per run, made by the run's main process and removed when that process ends, Ctrl-C and
// SIGKILL included: a worker that vitest stops mid-test runs no afterAll and no finally, so the folders its
// tests made (scripts, nested runs' reports) go with the run's. A nested run makes its own inside the outer run's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterDeath } from './after-death.ts';

/** the environment entry that carries the run's folder to its workers and to the runs they start */
export const RUN_TEMP_ENV = 'NETNS_RUN_TEMP';

/** A new folder inside the run's (or the machine's, outside a run), named by its prefix. */
export function runTempDir(prefix: string, env = process.env): string {
  return mkdtempSync(join(env[RUN_TEMP_ENV] || tmpdir(), prefix));
}

/**
 * Makes this run's folder and hands it to what the process starts from now on. It goes on remove(), on exit
 * (at once, so a run that has ended has left nothing), and after a SIGKILL (a moment later).
 */
export function holdRunTemp(): { path: string; remove(): void } {
  const path = runTempDir('netns-conformance-run-');
  process.env[RUN_TEMP_ENV] = path;
  afterDeath('rm -rf -- "$0"', [path]);
  const remove = () => rmSync(path, { recursive: true, force: true });
  process.on('exit', remove);
  return {
    path,
    remove() {
      process.off('exit', remove);
      remove();
    },
  };
}
