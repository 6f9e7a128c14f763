// Removes a run's containers when the run's process ends in any way, SIGKILL included (then no handler of its
// own runs). A small detached shell holds a pipe from the harness; when the pipe closes, it sweeps by the run's
// label and exits. Ryuk does the same from an image, which no registry here can provide.
import { spawn } from 'node:child_process';
import { KEPT_PREFIX } from './keep.ts';
import { LABEL_RUN } from './run-labels.ts';

// (kept hosts, renamed $1<id>, stay)
const SWEEP_WHEN_STDIN_CLOSES =
  `cat >/dev/null; ` +
  `ids=$(docker ps -a --filter "label=$0" --format '{{.ID}} {{.Names}}' | grep -v " $1" | cut -d' ' -f1); ` +
  `[ -z "$ids" ] || docker rm -f -v $ids >/dev/null`;

export function startReaper(runId: string): void {
  const reaper = spawn('sh', ['-c', SWEEP_WHEN_STDIN_CLOSES, `${LABEL_RUN}=${runId}`, KEPT_PREFIX], {
    detached: true, // its own process group: a Ctrl-C to the run's group must not end it before it sweeps
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // the pipe stays open for as long as this process lives, without keeping it alive
  reaper.unref();
  (reaper.stdin as unknown as { unref(): void }).unref();
}
