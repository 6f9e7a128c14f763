// One implementation built for judging: a host of its own, the simulated internet in it, then the
// implementation's set-up. What comes out is what the properties judge — roles — or why there are none:
// unavailable (its properties skip, with the reason) or a set-up that failed (they fail, with its one line).
// The suites, the benchmark and the self-tests that judge setups all build this way.
import { hostStateLines } from '../evidence/host-state.ts';
import { CommandError } from '../hosts/command.ts';
import type { HarnessConfig } from '../harness/config.ts';
import type { Host } from '../hosts/host.ts';
import { ImplementationError, type Implementation } from '../implementations/implementation.ts';
import type { Topology } from '../implementations/guide/topology.ts';
import { implementationOf } from '../implementations/registry.ts';
import { iptablesOf, type Firewall } from '../net/firewall.ts';
import { firewallMissing } from '../net/firewall-available.ts';
import { startProberAhead } from '../probes/batch.ts';
import type { Check } from '../properties/properties.ts';
import { formatCommands } from '../report/attachments.ts';
import { resultCell, type Cell } from '../results/row.ts';
import { RolesError } from '../roles/parse-roles.ts';
import type { Roles } from '../roles/roles.ts';
import { buildSimulatedInternet } from '../world/simulated-internet.ts';
import { worldOnly, type World } from '../world/world.ts';
import type { MatrixCell } from './cells.ts';
import { describeHost, startHarnessHost } from './run-host.ts';

/** A built implementation, all that judging it needs. */
export interface Judged {
  host: Host;
  roles: Roles;
  world: World;
  cell: Cell;
  firewall: Firewall;
  /** the implementation's own paths (Docker's per version), judged with their property */
  ownChecks?: Check[];
}

type NotBuilt = { host: Host; reason: string; cell: Cell };
export type Built =
  | {
      state: 'built';
      judged: Judged;
      implementation: Implementation;
      setUpLog: string;
      rulesets?: Record<string, string>;
      stateBefore?: string[];
    }
  | ({ state: 'unavailable' } & NotBuilt)
  | ({ state: 'failed' } & NotBuilt);

/** Errors that mean the implementation did not build (its fault, shown in one line), not a harness bug. */
const SET_UP_FAILURES = [ImplementationError, RolesError, CommandError];

/**
 * The world in a host, before any implementation: the simulated internet. The prober that will judge starts
 * now, so that its start overlaps the build.
 */
export async function buildWorld(host: Host, world: World): Promise<void> {
  startProberAhead(host);
  await buildSimulatedInternet(host, world);
}

export interface SetUp {
  roles: Roles;
  /** the commands the set-up ran, for the report */
  setUpLog: string;
  rulesets?: Record<string, string>;
  ownChecks?: Check[];
  /** the host's state before set-up, for an implementation whose removal is judged (host-state.ts) */
  stateBefore?: string[];
}

/**
 * The world, then the implementation's set-up in it; throws what the set-up throws. The host's state is read
 * before set-up only when its removal will be judged (it has one, and the run judges 9-lifecycle).
 */
export async function setUpIn(
  host: Host,
  implementation: Implementation,
  world: World,
  firewall: Firewall,
  judgesRemoval = true,
): Promise<SetUp> {
  await buildWorld(host, world);
  const stateBefore =
    implementation.remove && judgesRemoval
      ? await hostStateLines(host, firewall, implementation.stateFolders)
      : undefined;
  const first = host.log.length;
  const roles = await implementation.setUp({ host, world, firewall, iptables: iptablesOf(firewall) });
  const setUpLog = formatCommands(host.log.slice(first));
  // read before any probe: what the implementation built, not what judging it left
  const rulesets = await implementation.rulesets?.(host, world);
  const ownChecks = implementation.ownChecks?.(roles, world);
  return {
    roles,
    setUpLog,
    ...(rulesets ? { rulesets } : {}),
    ...(ownChecks ? { ownChecks } : {}),
    ...(stateBefore ? { stateBefore } : {}),
  };
}

/**
 * The implementation a cell names, built in a host of its own started for it (stopped only if this throws), in
 * the world of the run's topology file; the guide's topology is the guide's alone.
 */
export async function buildImplementation(
  cell: MatrixCell,
  harness: HarnessConfig,
  topology: Topology,
): Promise<Built> {
  const { implementation: ref, firewall } = cell;
  const implementation = implementationOf(ref, topology);
  const world = worldOnly(topology, harness.families);
  // a host kind that cannot give what the implementation needs gets the default host, and the reason to skip
  const needs = harness.backend === 'container' ? ref.host : undefined;
  const host = await startHarnessHost(harness, needs, cell.kernel, cell.vmStaysUp);
  try {
    const { kernel } = await describeHost(host, iptablesOf(firewall));
    const rowCell = resultCell(ref.id, { host: harness.backend, kernel, firewall });
    const unavailable =
      (await firewallMissing(host, firewall, kernel)) ?? (await implementation.unavailable?.(host, firewall));
    if (unavailable) return { state: 'unavailable', host, reason: unavailable, cell: rowCell };
    try {
      const { roles, ownChecks, ...made } = await setUpIn(host, implementation, world, firewall, harness.lifecycle);
      return {
        state: 'built',
        judged: { host, roles, world, cell: rowCell, firewall, ...(ownChecks ? { ownChecks } : {}) },
        implementation,
        ...made,
      };
    } catch (error) {
      if (!SET_UP_FAILURES.some((kind) => error instanceof kind)) throw error;
      return { state: 'failed', host, reason: (error as Error).message, cell: rowCell };
    }
  } catch (error) {
    await host.stop();
    throw error;
  }
}

export function hostOf(built: Built): Host {
  return built.state === 'built' ? built.judged.host : built.host;
}
