// A long-running process inside a host (an HTTP server, a packet capture). Its output lives in files inside the
// host, so it can be read while it runs; its pid is the host's, so it is signalled where it lives.
import type { CommandResult, CommandRunner, FileWatch } from './command.ts';
import { within } from '../wait.ts';
import { paced } from '../pace.ts';

export interface BackgroundOutput {
  stdout: string;
  stderr: string;
}

export class BackgroundProcess {
  readonly #host: CommandRunner;
  readonly #files: string;
  readonly #done: Promise<CommandResult>;
  readonly pid: number;
  readonly ns: string | undefined;
  #exited: CommandResult | undefined;
  #stopping: Promise<CommandResult & BackgroundOutput> | undefined;
  #onStopped: Array<() => void> = [];

  /** `files`: the prefix of its output files inside the host (.out, .err); `pid` as the host's agent said it */
  constructor(host: CommandRunner, files: string, done: Promise<CommandResult>, pid: number, ns: string | undefined) {
    this.#host = host;
    this.#files = files;
    this.#done = done;
    this.pid = pid;
    this.ns = ns;
    void done.then((result) => (this.#exited = result));
  }

  /** exit status once it has ended by itself (or been stopped), else undefined */
  get exited(): CommandResult | undefined {
    return this.#exited;
  }

  /** What it wrote so far (and, with `remove`, its files go with the reading): read by the host's agent. */
  output(remove: 'keep files' | 'remove files' = 'keep files'): Promise<BackgroundOutput> {
    return this.#host.readOutput(this.#files, remove === 'remove files');
  }

  /** the path of one of its output files inside the host */
  private file(stream: 'out' | 'err'): string {
    return `${this.#files}.${stream}`;
  }

  /**
   * Waits until its standard error holds `text` ("listening on"); throws with what it wrote when it ended first
   * or the deadline passed.
   */
  waitForStderr(text: string, what: string, deadlineSeconds = 10): Promise<void> {
    return this.waitFor({ path: this.file('err'), contains: text }, what, deadlineSeconds);
  }

  /** The same for its standard output (a monitor that prints the event it was waiting for). */
  waitForStdout(text: string, what: string, deadlineSeconds = 10): Promise<void> {
    return this.waitFor({ path: this.file('out'), contains: text }, what, deadlineSeconds);
  }

  /**
   * Waits until its netlink socket has joined a multicast group: a monitor (`ip monitor`) that hears every event
   * from now on. /proc/PID/net/netlink lists the sockets of the process's namespace, the port id being the pid.
   */
  waitForNetlinkSubscription(what: string, deadlineSeconds = 10): Promise<void> {
    const path = `/proc/${this.pid}/net/netlink`;
    return this.waitFor({ path, netlinkSubscriber: this.pid }, what, deadlineSeconds);
  }

  /**
   * Waits until a file inside the host says something, polled there by the host's agent; throws, as
   * waitForStderr does, when this process ended first or the deadline passed.
   */
  async waitFor(condition: Omit<FileWatch, 'whileAlive'>, what: string, deadlineSeconds = 10): Promise<void> {
    // a guard against a hang (the event is the line itself): it stretches with the machine's load
    const timeoutMs = paced(deadlineSeconds * 1000);
    const holds = condition.contains === undefined ? 'a netlink subscription' : JSON.stringify(condition.contains);
    const display = `wait until ${condition.path} shows ${holds}`;
    const waited = await this.#host.watch({ ...condition, whileAlive: this.pid }, { timeoutMs, display });
    if (waited.exitCode !== 0) {
      // the agent says what the process was doing at the guard; the harness's backstop has nothing to add
      const doing = waited.stderr.trim();
      const late = `not within ${Math.round(timeoutMs / 1000)} s${doing ? ` (${doing})` : ''}`;
      const why = waited.exitCode === 3 ? 'it exited' : waited.exitCode === 124 ? late : waited.stderr.trim();
      const said = (await this.output()).stderr.trim();
      throw new Error(said ? `${what}: ${why}: ${said}` : `${what}: ${why}`);
    }
  }

  /**
   * Signals the process (TERM unless told), waits for it to end (KILL after 5 s on a quiet machine, a hang guard
   * stretched with the machine's load), returns its output. Idempotent.
   */
  stop(signal: 'INT' | 'TERM' = 'TERM'): Promise<CommandResult & BackgroundOutput> {
    this.#stopping ??= (async () => {
      if (!this.#exited) await this.#host.signal(this.pid, signal);
      const ended = await within(this.#done, paced(5_000));
      if (!ended) await this.#host.signal(this.pid, 'KILL');
      const result = await this.#done;
      const output = await this.output('remove files');
      for (const callback of this.#onStopped) callback();
      return { ...result, ...output };
    })();
    return this.#stopping;
  }

  onStopped(callback: () => void): void {
    this.#onStopped.push(callback);
  }
}
