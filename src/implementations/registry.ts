// Which implementations a run judges: NETNS_IMPL, a comma list of ids ('guide', 'script:PATH', 'docker-28.5',
// 'scale:N'); default guide. Each kind of implementation is one row of KINDS, from its own folder: adding one is
// a folder and a row. A wrong entry is one line that names it and the ids known.
import { HarnessSetupError } from '../setup-error.ts';
import { commaList } from '../env-list.ts';
import { dockerKind } from './docker/docker.ts';
import { guideKind } from './guide/guide.ts';
import type { Topology } from './guide/topology.ts';
import type { Implementation, ImplementationKind } from './implementation.ts';
import { scaleKind } from './scale.ts';
import { scriptKind } from './script.ts';

const KINDS: readonly ImplementationKind[] = [guideKind, dockerKind, scriptKind, scaleKind];
export const KNOWN_IMPLEMENTATIONS = KINDS.flatMap((kind) => kind.names);

/** What makes the implementation an id names; a HarnessSetupError when it names none, or names one wrongly. */
function read(id: string, env: NodeJS.ProcessEnv): (topology: Topology) => Implementation {
  for (const kind of KINDS) {
    const make = kind.read(id, env);
    if (make) return make;
  }
  throw new HarnessSetupError(
    `NETNS_IMPL has unknown implementation "${id}"; known: ${KNOWN_IMPLEMENTATIONS.join(', ')}`,
  );
}

/** The ids of NETNS_IMPL, checked: a script must be a file. Ids keep the path as given, for reports. */
export function implementationIds(env = process.env): string[] {
  const ids = commaList(env.NETNS_IMPL ?? 'guide');
  if (ids.length === 0)
    throw new HarnessSetupError(
      `NETNS_IMPL is empty; name at least one implementation (${KNOWN_IMPLEMENTATIONS.join(', ')})`,
    );
  for (const id of ids) read(id, env);
  return ids;
}

export function implementationFor(id: string, topology: Topology, env = process.env): Implementation {
  return read(id, env)(topology);
}
