// A host is where a topology lives: a sandbox (container, private namespace or VM) seen through one interface.
// Every command that runs inside it goes through #launch: one place that adds the deadline, the namespace and the log.
import { BackgroundProcess } from './background.ts';
import { KEPT_PREFIX, type KeptHost } from './keep.ts';
import { paced } from '../pace.ts';
import {
  CommandError,
  displayArgv,
  exitAccepted,
  shellText,
  type CommandResult,
  type ExpectedExit,
  type FileWatch,
  type HostSignal,
} from './command.ts';

export type HostBackend = 'container' | 'netns' | 'vm';

/** What a transport hands back for one command: never a rejection, a transport failure is exit -1 with its cause. */
export interface RawResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** killed at its deadline by the host's agent (exit 124, as coreutils timeout says it) */
  timedOut?: boolean;
}

export interface RunOptions {
  /** a promise: the command starts now and gets its input when it is known (the transport writes it then) */
  stdin?: string | Promise<string>;
  /** the command's deadline, enforced inside the host by its agent */
  timeoutMs: number;
  /** the network namespace (inside the host) the agent starts it in; omitted: the host's own */
  netns?: NetnsRef;
  /** the transport's own last resort, should the agent not answer */
  backstopMs: number;
  /** a background process: output to PREFIX.out and PREFIX.err inside the host, its pid to onStarted */
  outputTo?: string;
  onStarted?: (pid: number) => void;
}

/** How requests reach the host's agent: every backend has one (agent/channel.ts). */
export interface HostTransport {
  /** runs argv inside the host (in `netns`, when given) */
  run(argv: readonly string[], opts: RunOptions): Promise<RawResult>;
  /** exit 0 once the condition holds, 3 once the process ended first, 124 (timedOut) at the deadline */
  watch(watch: FileWatch, opts: { timeoutMs: number; backstopMs: number }): Promise<RawResult>;
  /** a background process's output files (PREFIX.out as stdout, PREFIX.err as stderr), removed if asked */
  read(prefix: string, remove: boolean): Promise<RawResult>;
  /** exit 0 once sent, 1 when no such process */
  signal(pid: number, signal: HostSignal): Promise<RawResult>;
  /** a marker frame out of each interface that is up and running; stdout: their indexes, one per line */
  mark(points: ReadonlyArray<InterfaceRef>, ethertype: number): Promise<RawResult>;
}

/** an interface of the host, in one of its namespaces (undefined: the host's own) */
export interface InterfaceRef {
  ns?: NetnsRef;
  iface: string;
}

/** A shell inside the host, as a template tag: interpolations are quoted (arrays word by word), like zx's `$`. */
export type HostShell = (pieces: TemplateStringsArray, ...values: unknown[]) => Promise<CommandResult>;

/** What a backend provides: how a command reaches the inside of the sandbox, and how to tear the sandbox down. */
export interface HostDriver {
  readonly backend: HostBackend;
  /** short name for messages: the container id, the namespace holder's pid, the VM's kernel and pid */
  readonly name: string;
  /** the agent inside the host that runs its commands */
  readonly transport: HostTransport;
  /** the argv a person runs on this machine to do the same (or, for a VM, inside it) */
  reproduce(argv: readonly string[]): readonly string[];
  /** removes the sandbox and everything in it; safe to call twice */
  destroy(): Promise<void>;
  /** leaves the sandbox up past the run under this name (only where it can outlive the run) */
  keep?(name: string): Promise<void>;
}

export interface ExecOptions {
  /** a network namespace inside the host (NetnsRef); omitted: the host's own namespace */
  ns?: NetnsRef;
  timeoutMs?: number;
  /** default 0; a probe passes 'any' because its exit status is data */
  expectExit?: ExpectedExit;
  /**
   * written to the command's standard input (`ip -batch -`, `nft -f -`, a script for `bash -s`); a promise starts
   * the command at once and writes its input when it resolves (a prober that starts while a build runs)
   */
  stdin?: string | Promise<string>;
  /** how it shows in the log and in errors, when its argv would be unreadable (an inline script) */
  display?: string;
}

/**
 * A network namespace inside a host: an `ip netns` name (netns1), or a path to a namespace file, such as a
 * container's /proc/PID/ns/net. "host" is never a name: it stands for the host's own namespace in reports.
 */
export type NetnsRef = string;

/** The argv prefix a person types to run the rest inside a namespace of the host (the agent enters it itself). */
export function enterNamespace(ns: NetnsRef): string[] {
  return ns.includes('/') ? ['nsenter', `--net=${ns}`, '--'] : ['ip', 'netns', 'exec', ns];
}

/** a command's deadline unless it names one: a guard against a hang, so it stretches with the machine's load */
const DEFAULT_TIMEOUT_MS = 20_000;
/** in-host scratch directory for background processes' pid and output files (private to the host) */
export const HOST_SCRATCH = '/run/netns-conformance';

export class Host implements AsyncDisposable {
  /** every command that ran in this host, in order: the report attaches the slice of each step */
  readonly log: CommandResult[] = [];
  /** a shell whose commands run inside this host (bash, set -e -o pipefail), for the guide's step scripts */
  readonly $: HostShell;
  readonly #driver: HostDriver;
  /** what must end before the sandbox goes: background processes, a prober still waiting for its input */
  readonly #beforeStop = new Set<() => Promise<unknown>>();
  #backgroundCount = 0;
  #stopping: Promise<void> | undefined;
  #destroyed = false;

  constructor(driver: HostDriver) {
    this.#driver = driver;
    this.$ = async (pieces, ...values) => {
      const command = shellText(pieces, values);
      const result = await this.#launch(['bash', '-e', '-o', 'pipefail', '-c', command], {
        display: command,
        timeoutMs: paced(DEFAULT_TIMEOUT_MS),
      });
      if (result.exitCode !== 0) throw new CommandError(this.name, result, 0);
      return result;
    };
  }

  get backend(): HostBackend {
    return this.#driver.backend;
  }

  get name(): string {
    return this.#driver.name;
  }

  /** Runs argv inside the host (or one of its namespaces) and checks its exit status. */
  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<CommandResult> {
    const result = await this.#launch(argv, {
      ns: opts.ns,
      timeoutMs: opts.timeoutMs ?? paced(DEFAULT_TIMEOUT_MS),
      stdin: opts.stdin,
      display: opts.display,
    });
    const expected = opts.expectExit ?? 0;
    if (!exitAccepted(expected, result.exitCode)) throw new CommandError(this.name, result, expected);
    return result;
  }

  /** Starts a long-running process (a server, a capture) inside the host; stop() ends it and returns its output. */
  async spawn(argv: readonly string[], opts: { ns?: NetnsRef; display?: string } = {}): Promise<BackgroundProcess> {
    const files = `${HOST_SCRATCH}/bg-${++this.#backgroundCount}`;
    // The agent sends its output to files, so every backend can read it while it runs, and says its pid as soon
    // as it has started, so it can be signalled where it lives.
    let started: (pid: number) => void = () => {};
    const pid = new Promise<number>((resolve) => (started = resolve));
    const display = opts.display ?? displayArgv(argv);
    const launch = { ns: opts.ns, timeoutMs: 3_600_000, display, outputTo: files, onStarted: started };
    const done = this.#launch(argv, launch);
    const first = await Promise.race([pid, done]);
    if (typeof first !== 'number')
      throw new Error(`\`${display}\` could not start (exit ${first.exitCode}): ${first.stderr.trim()}`);
    const background = new BackgroundProcess(this, files, done, first, opts.ns);
    background.onStopped(this.beforeStop(() => background.stop()));
    return background;
  }

  /** Polls a file inside the host, where the agent is, until the condition holds or its process has ended. */
  watch(watch: FileWatch, opts: { timeoutMs: number; display: string }): Promise<CommandResult> {
    const started = Date.now();
    const raw = this.#driver.transport.watch(watch, { timeoutMs: opts.timeoutMs, backstopMs: opts.timeoutMs + 15_000 });
    return this.#logged(raw, { display: opts.display, ns: undefined, started });
  }

  /** A background process's output files; read by the agent, no command runs. */
  async readOutput(prefix: string, remove: boolean): Promise<{ stdout: string; stderr: string }> {
    const { stdout, stderr } = await this.#driver.transport.read(prefix, remove);
    return { stdout, stderr };
  }

  /** Signals a process of the host through its agent; logged as the `kill` it stands for. */
  signal(pid: number, signal: HostSignal): Promise<CommandResult> {
    const started = Date.now();
    const display = displayArgv(['kill', `-${signal}`, String(pid)]);
    return this.#logged(this.#driver.transport.signal(pid, signal), { display, ns: undefined, started });
  }

  /**
   * Sends a frame of `ethertype`, addressed to its own sender (no bridge forwards it, no stack takes it), out of
   * each interface that is up and running, from inside the host: no process starts. Returns the indexes of the
   * interfaces it went out of (one without its carrier drops it unseen, and carries no packets either).
   */
  async sendMarkers(points: ReadonlyArray<InterfaceRef>, ethertype: number): Promise<number[]> {
    const started = Date.now();
    const display = `send a frame of ethertype 0x${ethertype.toString(16)} out of ${points.length} interface(s)`;
    const sent = await this.#logged(this.#driver.transport.mark(points, ethertype), {
      display,
      ns: undefined,
      started,
    });
    if (sent.exitCode !== 0) throw new Error(`${display}: ${sent.stderr || `exit ${sent.exitCode}`}`);
    return sent.stdout.split('\n').filter(Boolean).map(Number);
  }

  /** Runs `end` when the host stops or is kept, before the sandbox goes; the returned function forgets it. */
  beforeStop(end: () => Promise<unknown>): () => void {
    this.#beforeStop.add(end);
    return () => this.#beforeStop.delete(end);
  }

  /** A command a person can paste on this machine to run argv the way the harness did. */
  reproduce(argv: readonly string[], ns?: NetnsRef): string {
    return displayArgv(this.#driver.reproduce([...(ns ? enterNamespace(ns) : []), ...argv]));
  }

  /** Stops background processes, then removes the sandbox. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#endOwnProcesses();
      this.#destroyed = true;
      await this.#driver.destroy();
    })();
    return this.#stopping;
  }

  /**
   * Leaves the host up past the run (NETNS_KEEP), without the harness's own background processes, and says
   * how to get in and how to remove it. Undefined where the backend cannot keep a host.
   */
  async keep(what: string): Promise<KeptHost | undefined> {
    const keepDriver = this.#driver.keep?.bind(this.#driver);
    if (!keepDriver) return undefined;
    await this.#endOwnProcesses();
    const name = `${KEPT_PREFIX}${this.name}`;
    await keepDriver(name);
    this.#destroyed = true; // this run is done with it
    this.#stopping = Promise.resolve();
    return {
      what,
      name,
      enter: displayArgv(['docker', 'exec', '-it', name, 'bash']),
      remove: displayArgv(['docker', 'rm', '-f', name]),
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #endOwnProcesses(): Promise<unknown> {
    return Promise.allSettled([...this.#beforeStop].map((end) => end()));
  }

  /** Throws at once (not as a rejection) on a stopped host: a background process must not start half-way. */
  #launch(
    argv: readonly string[],
    opts: {
      ns?: NetnsRef;
      timeoutMs: number;
      display?: string;
      stdin?: string | Promise<string>;
    } & Pick<RunOptions, 'outputTo' | 'onStarted'>,
  ): Promise<CommandResult> {
    if (this.#destroyed)
      throw new Error(`host ${this.name} is stopped; cannot run \`${opts.display ?? displayArgv(argv)}\``);
    // The deadline is enforced inside the host, by its agent, where the process lives; the transport's is only
    // a backstop. The agent enters the namespace itself: no `ip netns exec` process per command.
    const started = Date.now();
    const running = this.#driver.transport.run(argv, {
      ...(opts.ns ? { netns: opts.ns } : {}),
      stdin: opts.stdin,
      timeoutMs: opts.timeoutMs,
      backstopMs: opts.timeoutMs + 15_000,
      ...(opts.outputTo ? { outputTo: opts.outputTo } : {}),
      ...(opts.onStarted ? { onStarted: opts.onStarted } : {}),
    });
    return this.#logged(running, { display: opts.display ?? displayArgv(argv), ns: opts.ns, started });
  }

  async #logged(
    running: Promise<RawResult>,
    how: { display: string; ns: NetnsRef | undefined; started: number },
  ): Promise<CommandResult> {
    const raw = await running;
    const result: CommandResult = {
      display: how.display,
      ns: how.ns,
      ...raw,
      durationMs: Date.now() - how.started,
      timedOut: raw.timedOut ?? false,
    };
    this.log.push(result);
    return result;
  }
}
