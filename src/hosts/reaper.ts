// Removes a run's containers when the run's process ends in any way, SIGKILL included. Ryuk does the same from
// an image, which no registry here can provide.
import { afterDeath } from '../after-death.ts';
import { KEPT_PREFIX } from './keep.ts';
import { LABEL_RUN } from './run-labels.ts';

// (kept hosts, renamed $1<id>, stay)
const SWEEP =
  `ids=$(docker ps -a --filter "label=$0" --format '{{.ID}} {{.Names}}' | grep -v " $1" | cut -d' ' -f1); ` +
  `[ -z "$ids" ] || docker rm -f -v $ids >/dev/null`;

export function startReaper(runId: string): void {
  afterDeath(SWEEP, [`${LABEL_RUN}=${runId}`, KEPT_PREFIX]);
}
