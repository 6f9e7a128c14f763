// The seam: an implementation builds container networking inside a host, on the world the harness built there,
// and hands back roles; the properties then judge it, knowing nothing of how it was built.
import type { ImageRecipe } from '../hosts/host-image.ts';
import type { Host } from '../hosts/host.ts';
import type { DebianPackage } from '../hosts/debian-unpacked.ts';
import type { Firewall, IptablesCommand } from '../net/firewall.ts';
import type { Check, PropertyId } from '../properties/properties.ts';
import type { KeptByDesign } from '../results/leftovers.ts';
import type { Roles } from '../roles/roles.ts';
import type { World } from '../world/world.ts';
import type { Topology } from './guide/topology.ts';

export interface SetUpContext {
  host: Host;
  world: World;
  /** the firewall backend of the cell (NETNS_FIREWALLS): iptables-nft, iptables-legacy or a native nft ruleset */
  firewall: Firewall;
  /** the iptables for an implementation that only speaks iptables: the cell's, or iptables-nft in an nft cell */
  iptables: IptablesCommand;
}

/** What an implementation needs of its host beyond the default one (a container host of this image …). */
export interface HostNeeds {
  recipe: ImageRecipe;
  capabilities?: readonly string[];
  tmpfs?: Record<string, string>;
}

export interface Implementation {
  /** 'guide', 'script:./my-setup.sh', 'docker-28.5' … */
  id: string;
  /** why it cannot run in this host or with this firewall backend (a SKIP, never a FAIL), or undefined */
  unavailable?(host: Host, firewall: Firewall): Promise<string | undefined>;
  setUp(ctx: SetUpContext): Promise<Roles>;
  /**
   * The rules it made, normalised (no counters, handles or comments), by name ('iptables-save', 'nft'): a run
   * compares them with golden files, so that a change in what the implementation builds is seen as such. The
   * world says which families it was built in.
   */
  rulesets?(host: Host, world: World): Promise<Record<string, string>>;
  /**
   * Paths of its own where its behaviour is defined differently (Docker's, per version), judged with the
   * property they name, next to the checks every implementation gets.
   */
  ownChecks?(roles: Roles, world: World): Check[];
  /** its own word on whether what it built is still what it built (CNI's CHECK), asked after judging */
  selfCheck?(host: Host): Promise<SelfCheck>;
  /**
   * Removes its workloads as its users do (CNI's DEL); the run compares the host's state with the state before
   * set-up: nothing may be left but keptAfterRemove, and nothing that was there may be gone.
   */
  remove?(host: Host): Promise<void>;
  /**
   * Restarts its daemon as its users do (systemctl restart docker): `how` says so in words, `run` does it and hands
   * back the roles after it (a container's namespace, even its address, may be another). The run then judges its
   * properties again (9-lifecycle).
   */
  restart?: { how: string; run(host: Host, world: World): Promise<Roles> };
  /**
   * Another configuration its users choose, reached in place once the rest is judged (dockerd restarted with
   * --userland-proxy=false): `name` labels its rows ("docker-28.5, userland-proxy off"), `run` does it and hands
   * back the roles with that configuration's claims, and `properties` are judged again in it.
   */
  reconfigured?: {
    name: string;
    how: string;
    properties: readonly PropertyId[];
    run(host: Host, world: World): Promise<Roles>;
  };
  /** what its removal leaves by design (state its network shares), each with the reason */
  keptAfterRemove?: readonly KeptByDesign[];
  /** folders it keeps state in, compared before and after too (host-local's /var/lib/cni) */
  stateFolders?: readonly string[];
}

export interface SelfCheck {
  /** what it said when it disagreed; undefined when it agreed */
  said?: string;
  /** a disagreement this version is known for, with the reason (data: the run expects it, and says so) */
  knownFailure?: { plugin: string; says: RegExp; why: string };
}

/** An implementation that did not build: one line that says what went wrong, shown as the properties' cause. */
export class ImplementationError extends Error {
  constructor(id: string, problem: string) {
    super(`${id}: ${problem}`);
    this.name = 'ImplementationError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * An implementation as NETNS_IMPL names it, read once (registry.ts): plain data, which the global setup hands
 * to every worker, and all a run must know of it before it builds one.
 */
export interface ImplementationRef {
  /** as the user wrote it, its name in reports: 'guide', 'script:./my-setup.sh', 'docker-28.5', 'scale:300' */
  id: string;
  /** its kind, a row of the registry: 'guide', 'docker', 'script', 'scale' */
  kind: string;
  /** what its kind read from the id: Docker's version, a script's path on this machine, a workload count */
  argument: string;
  /** undefined: the default host of the run's backend */
  host?: HostNeeds;
  /** it names the rules it made (Implementation.rulesets), and a run holds them to golden files */
  golden: boolean;
  /** Debian packages netns and VM hosts run from the cache (unpacked, never installed), fetched before any host */
  machinePackages?: readonly DebianPackage[];
  /**
   * what a run asks of it after judging: its own CHECK, its properties again after its daemon restarts and in
   * another configuration, and that removing its workloads leaves nothing
   */
  lifecycle?: ReadonlyArray<'check' | 'restart' | 'reconfigure' | 'remove'>;
}

/**
 * A kind of implementation, one row of the registry (registry.ts). `read` takes an id and returns what the
 * kind makes of it, or undefined when the id is not of this kind; an id of this kind that is wrong (a missing
 * script) throws a HarnessSetupError that names the fix. `make` builds the implementation a read id names.
 */
export interface ImplementationKind {
  kind: string;
  /** how its ids are written, for the list of known ones: 'guide', 'docker-28.5', 'script:PATH' */
  names: readonly string[];
  read(id: string, env: NodeJS.ProcessEnv): Omit<ImplementationRef, 'id' | 'kind'> | undefined;
  make(ref: ImplementationRef, topology: Topology): Implementation;
}
