// A host is where a topology lives: a sandbox (container or private namespace) seen through one interface.
// Every command that runs inside it goes through #launch: one place that adds the deadline, the namespace and the log.
import { spawn as spawnLocal, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { $ as zx, type Shell } from 'zx';
import { BackgroundProcess } from './background.ts';
import { KEPT_PREFIX, type KeptHost } from './keep.ts';
import { CommandError, displayArgv, exitAccepted, type CommandResult, type ExpectedExit } from './command.ts';

export type HostBackend = 'container' | 'netns';

/** What a backend provides: how to run a command inside the sandbox, and how to tear the sandbox down. */
export interface HostDriver {
  readonly backend: HostBackend;
  /** short name for messages: the container id, or the namespace holder's pid */
  readonly name: string;
  /** local argv prefix that runs the rest of an argv inside the host's root namespace */
  readonly prefix: readonly string[];
  /** argv prefix for the process itself, inside the host (netns: die with the parent, so nothing outlives a run) */
  readonly processGuard: readonly string[];
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
  /** written to the command's standard input (`ip -batch -`, `nft -f -`, a script for `bash -s`) */
  stdin?: string;
}

/**
 * A network namespace inside a host: an `ip netns` name (netns1), or a path to a namespace file, such as a
 * container's /proc/PID/ns/net. "host" is never a name: it stands for the host's own namespace in reports.
 */
export type NetnsRef = string;

/** The argv prefix that runs the rest inside a namespace of the host. */
export function enterNamespace(ns: NetnsRef): string[] {
  return ns.includes('/') ? ['nsenter', `--net=${ns}`, '--'] : ['ip', 'netns', 'exec', ns];
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** in-host scratch directory for background processes' pid and output files (private to the host) */
export const HOST_SCRATCH = '/run/netns-conformance';

export class Host implements AsyncDisposable {
  /** every command that ran in this host, in order: the report attaches the slice of each step */
  readonly log: CommandResult[] = [];
  /** a zx shell whose commands run inside this host (bash, set -e -o pipefail), for the guide's step scripts */
  readonly $: Shell;
  readonly #driver: HostDriver;
  readonly #background = new Set<BackgroundProcess>();
  #backgroundCount = 0;
  #stopping: Promise<void> | undefined;
  #destroyed = false;

  constructor(driver: HostDriver) {
    this.#driver = driver;
    const spawn = (command: string) =>
      this.#launch(['bash', '-e', '-o', 'pipefail', '-c', command], { display: command, timeoutMs: DEFAULT_TIMEOUT_MS }).child;
    this.$ = zx({ quiet: true, verbose: false, prefix: '', postfix: '', spawn: spawn as never });
  }

  get backend(): HostBackend {
    return this.#driver.backend;
  }

  get name(): string {
    return this.#driver.name;
  }

  /** Runs argv inside the host (or one of its namespaces) and checks its exit status. */
  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<CommandResult> {
    const result = await this.#launch(argv, { ns: opts.ns, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, stdin: opts.stdin }).done;
    const expected = opts.expectExit ?? 0;
    if (!exitAccepted(expected, result.exitCode)) throw new CommandError(this.name, result, expected);
    return result;
  }

  /** Starts a long-running process (a server, a capture) inside the host; stop() ends it and returns its output. */
  async spawn(argv: readonly string[], opts: { ns?: NetnsRef } = {}): Promise<BackgroundProcess> {
    const files = `${HOST_SCRATCH}/bg-${++this.#backgroundCount}`;
    // The wrapper records the pid and sends output to files, so both backends can read output while it runs
    // and signal the process inside the host (killing a local `docker exec` client would not reach it).
    const wrapper = ['sh', '-c', 'echo $$ > "$0.pid" && exec "$@" > "$0.out" 2> "$0.err"', files];
    const { done } = this.#launch([...wrapper, ...argv], { ns: opts.ns, timeoutMs: 3_600_000, display: displayArgv(argv) });
    const background = await BackgroundProcess.started(this, files, done, opts.ns);
    this.#background.add(background);
    background.onStopped(() => this.#background.delete(background));
    return background;
  }

  /** A command a person can paste on this machine to run argv the way the harness did. */
  reproduce(argv: readonly string[], ns?: NetnsRef): string {
    return displayArgv([...this.#driver.prefix, ...(ns ? enterNamespace(ns) : []), ...argv]);
  }

  /** Stops background processes, then removes the sandbox. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.allSettled([...this.#background].map((background) => background.stop()));
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
    await Promise.allSettled([...this.#background].map((background) => background.stop()));
    const name = `${KEPT_PREFIX}${this.name}`;
    await keepDriver(name);
    this.#destroyed = true; // this run is done with it
    this.#stopping = Promise.resolve();
    return { what, name, enter: displayArgv(['docker', 'exec', '-it', name, 'bash']), remove: displayArgv(['docker', 'rm', '-f', name]) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #launch(argv: readonly string[], opts: { ns?: NetnsRef; timeoutMs: number; display?: string; stdin?: string }): {
    child: ChildProcess;
    done: Promise<CommandResult>;
  } {
    if (this.#destroyed) throw new Error(`host ${this.name} is stopped; cannot run \`${opts.display ?? displayArgv(argv)}\``);
    const inner = [...(opts.ns ? enterNamespace(opts.ns) : []), ...argv];
    // The deadline is enforced inside the host, where the process lives; the local one is only a backstop.
    const seconds = String(Math.ceil(opts.timeoutMs / 1000));
    const [file, ...args] = [...this.#driver.prefix, 'timeout', '--kill-after=2', seconds, ...this.#driver.processGuard, ...inner];
    const started = Date.now();
    // A plain ChildProcess (no shell): zx drives the same object for the step scripts.
    const child = spawnLocal(file!, args, { stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs + 15_000 });
    child.stdin?.end(opts.stdin);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    const done = new Promise<CommandResult>((resolve) => {
      const finish = (exitCode: number, failure = '') => {
        const result: CommandResult = {
          display: opts.display ?? displayArgv(argv),
          ns: opts.ns,
          exitCode,
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString() + failure,
          durationMs: Date.now() - started,
          timedOut: exitCode === 124,
        };
        this.log.push(result);
        resolve(result);
      };
      child.once('error', (error) => finish(-1, `${file}: ${error.message}`));
      child.once('close', (code, signal) => finish(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
    });
    return { child, done };
  }
}
