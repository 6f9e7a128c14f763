// Which implementations a run judges: NETNS_IMPL, a comma list of ids ('guide', 'script:PATH', 'docker-28.5',
// 'scale:N'); default guide.
// A wrong entry is one line that names it and the ids known.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HarnessSetupError } from '../setup-error.ts';
import { commaList } from '../env-list.ts';
import type { Topology } from './guide/topology.ts';
import { guideImplementation } from './guide/guide.ts';
import type { Implementation } from './implementation.ts';
import { SCRIPT_PREFIX, scriptImplementation } from './script.ts';
import { SCALE_PREFIX, scaleImplementation, workloadCount } from './scale.ts';
import { dockerImplementation } from './docker/docker.ts';
import { DOCKER_PREFIX, DOCKER_VERSIONS, type DockerVersion } from './docker/versions.ts';

const DOCKER_IDS = Object.keys(DOCKER_VERSIONS).map((version) => `${DOCKER_PREFIX}${version}`);
export const KNOWN_IMPLEMENTATIONS = ['guide', ...DOCKER_IDS, `${SCRIPT_PREFIX}PATH`, `${SCALE_PREFIX}N`];

/** A script's path as the user gave it, from where the user ran npm (npm itself runs in the project's root). */
function scriptPath(id: string, env = process.env): string {
  return resolve(env.INIT_CWD ?? process.cwd(), id.slice(SCRIPT_PREFIX.length));
}

/** The ids of NETNS_IMPL, checked: a script must be a file. Ids keep the path as given, for reports. */
export function implementationIds(env = process.env): string[] {
  const ids = commaList(env.NETNS_IMPL ?? 'guide');
  if (ids.length === 0)
    throw new HarnessSetupError(
      `NETNS_IMPL is empty; name at least one implementation (${KNOWN_IMPLEMENTATIONS.join(', ')})`,
    );
  return ids.map((id) => {
    if (id === 'guide' || DOCKER_IDS.includes(id)) return id;
    if (id.startsWith(SCALE_PREFIX)) {
      try {
        workloadCount(id);
      } catch (error) {
        throw new HarnessSetupError(`NETNS_IMPL=${(error as Error).message}`);
      }
      return id;
    }
    if (id.startsWith(SCRIPT_PREFIX)) {
      const path = scriptPath(id, env);
      if (id === SCRIPT_PREFIX || !existsSync(path) || !statSync(path).isFile()) {
        throw new HarnessSetupError(
          `NETNS_IMPL=${id}: ${id === SCRIPT_PREFIX ? 'no path after "script:"' : `no such file ${path}`}; ` +
            `give the path of your setup script, like script:examples/bridge.sh`,
        );
      }
      return id;
    }
    throw new HarnessSetupError(
      `NETNS_IMPL has unknown implementation "${id}"; known: ${KNOWN_IMPLEMENTATIONS.join(', ')}`,
    );
  });
}

export function implementationFor(id: string, topology: Topology): Implementation {
  if (id === 'guide') return guideImplementation(topology);
  if (DOCKER_IDS.includes(id)) return dockerImplementation(id.slice(DOCKER_PREFIX.length) as DockerVersion);
  if (id.startsWith(SCRIPT_PREFIX)) return scriptImplementation(id, scriptPath(id));
  if (id.startsWith(SCALE_PREFIX)) return scaleImplementation(id);
  throw new HarnessSetupError(`unknown implementation "${id}"`);
}
