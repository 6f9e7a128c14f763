// Which implementations a run judges: NETNS_IMPL, a comma list of ids ('guide', 'script:PATH', 'docker-28.5',
// 'podman-5.4', 'cni:PATH', 'scale:N'); default guide. Each kind of implementation is one row of KINDS, from its
// own folder: adding one is a folder and a row. An id is read once, into an ImplementationRef that the run
// carries; a wrong entry is one line that names it and the ids known.
import { HarnessSetupError } from '../setup-error.ts';
import { commaList } from '../env-list.ts';
import { cniKind } from './cni/cni.ts';
import { dockerKind } from './docker/docker.ts';
import { guideKind } from './guide/guide.ts';
import { lxcKind } from './lxc/lxc.ts';
import { podmanKind } from './podman/podman.ts';
import type { Topology } from './guide/topology.ts';
import type { Implementation, ImplementationKind, ImplementationRef } from './implementation.ts';
import { scaleKind } from './scale.ts';
import { scriptKind } from './script.ts';

const KINDS: readonly ImplementationKind[] = [
  guideKind,
  dockerKind,
  podmanKind,
  cniKind,
  lxcKind,
  scriptKind,
  scaleKind,
];
export const KNOWN_IMPLEMENTATIONS = KINDS.flatMap((kind) => kind.names);

/** What an id names; a HarnessSetupError when it names none, or names one wrongly. */
export function readImplementation(id: string, env = process.env): ImplementationRef {
  for (const kind of KINDS) {
    const named = kind.read(id, env);
    if (named) return { id, kind: kind.kind, ...named };
  }
  throw new HarnessSetupError(
    `NETNS_IMPL has unknown implementation "${id}"; known: ${KNOWN_IMPLEMENTATIONS.join(', ')}`,
  );
}

/** The implementations NETNS_IMPL names, read: a script must be a file. Ids keep the path as given, for reports. */
export function implementationRefs(env = process.env): ImplementationRef[] {
  const ids = commaList(env.NETNS_IMPL ?? 'guide');
  if (ids.length === 0)
    throw new HarnessSetupError(
      `NETNS_IMPL is empty; name at least one implementation (${KNOWN_IMPLEMENTATIONS.join(', ')})`,
    );
  return ids.map((id) => readImplementation(id, env));
}

/** The implementation a read id names, made for the guide's topology (the guide builds it; others ignore it). */
export function implementationOf(ref: ImplementationRef, topology: Topology): Implementation {
  const kind = KINDS.find((candidate) => candidate.kind === ref.kind);
  if (!kind)
    throw new Error(
      `no implementation kind "${ref.kind}" (of ${ref.id}); known: ${KINDS.map((k) => k.kind).join(', ')}`,
    );
  return kind.make(ref, topology);
}
