// A long-running process inside a host (an HTTP server, a packet capture). Its pid and output live in files
// inside the host, so it can be read while it runs and signalled where it lives.
import type { CommandResult, CommandRunner } from './command.ts';
import { within } from '../wait.ts';
import { paced } from '../pace.ts';
/** how long a background process may take to write its pid, on a quiet machine */
const PID_DEADLINE_MS = 10_000;

export interface BackgroundOutput {
  stdout: string;
  stderr: string;
}

export class BackgroundProcess {
  readonly #host: CommandRunner;
  readonly #files: string;
  readonly #done: Promise<CommandResult>;
  readonly #pid: string;
  readonly ns: string | undefined;
  #exited: CommandResult | undefined;
  #stopping: Promise<CommandResult & BackgroundOutput> | undefined;
  #onStopped: Array<() => void> = [];

  private constructor(
    host: CommandRunner,
    files: string,
    done: Promise<CommandResult>,
    pid: string,
    ns: string | undefined,
  ) {
    this.#host = host;
    this.#files = files;
    this.#done = done;
    this.#pid = pid;
    this.ns = ns;
    void done.then((result) => (this.#exited = result));
  }

  /** Resolves once the wrapper inside the host has written the process's pid. */
  static async started(
    host: CommandRunner,
    files: string,
    done: Promise<CommandResult>,
    ns: string | undefined,
  ): Promise<BackgroundProcess> {
    let exitedEarly: CommandResult | undefined;
    void done.then((result) => (exitedEarly = result));
    // one command that waits inside the host (a poll from outside costs a command each time), under the host's
    // own deadline, which its agent enforces where the loop runs
    const waited = await host.exec(['sh', '-c', 'until [ -s "$0.pid" ]; do sleep 0.01; done; cat "$0.pid"', files], {
      expectExit: 'any',
      timeoutMs: paced(PID_DEADLINE_MS),
    });
    const pid = waited.stdout.trim();
    if (!/^\d+$/.test(pid)) {
      const early = exitedEarly ?? (await within(done, 1_000));
      throw new Error(
        early
          ? `\`${early.display}\` exited ${early.exitCode} at start: ${early.stderr.trim()}`
          : `no pid in ${files}.pid after ${PID_DEADLINE_MS / 1000} s (at this machine's pace)`,
      );
    }
    return new BackgroundProcess(host, files, done, pid, ns);
  }

  /** exit status once it has ended by itself (or been stopped), else undefined */
  get exited(): CommandResult | undefined {
    return this.#exited;
  }

  /** What it wrote so far (and, with `remove`, its files go with the reading): one command in the host. */
  async output(remove: 'keep files' | 'remove files' = 'keep files'): Promise<BackgroundOutput> {
    const removal = remove === 'remove files' ? '; rm -f "$0.pid" "$0.out" "$0.err"' : '';
    const script = `cat "$0.out"; printf '\\0'; cat "$0.err"${removal}`;
    const { stdout } = await this.#host.exec(['sh', '-c', script, this.#files], { expectExit: 'any' });
    const [out = '', err = ''] = stdout.split('\0');
    return { stdout: out, stderr: err };
  }

  /**
   * Waits, inside the host, until its standard error holds `text` ("listening on"); throws with what it wrote
   * when it ended first or the deadline passed.
   */
  waitForStderr(text: string, what: string, deadlineSeconds = 10): Promise<void> {
    return this.waitFor('grep -qF -- "$1" "$0.err"', [text], what, deadlineSeconds);
  }

  /** The same for its standard output (a monitor that prints the event it was waiting for). */
  waitForStdout(text: string, what: string, deadlineSeconds = 10): Promise<void> {
    return this.waitFor('grep -qF -- "$1" "$0.out"', [text], what, deadlineSeconds);
  }

  /**
   * Waits until its netlink socket has joined a multicast group: a monitor (`ip monitor`) that hears every event
   * from now on. /proc/net/netlink lists the namespace's sockets: sk Eth Pid Groups …, the port id being the pid.
   */
  waitForNetlinkSubscription(what: string, deadlineSeconds = 10): Promise<void> {
    const subscribed = 'awk -v p="$1" \'$3 == p && $4 != "00000000" { f = 1 } END { exit !f }\' /proc/net/netlink';
    return this.waitFor(subscribed, [this.#pid], what, deadlineSeconds);
  }

  /**
   * Waits until a shell condition holds, polled inside the host and the process's namespace ($0 the process's
   * files, $1… `args`); throws, as waitForStderr does, when the process ended first or the deadline passed.
   */
  async waitFor(condition: string, args: string[], what: string, deadlineSeconds = 10): Promise<void> {
    const pidArg = `$${args.length + 1}`;
    const script = `until ${condition}; do kill -0 "${pidArg}" 2>/dev/null || exit 3; sleep 0.01; done`;
    const argv = ['sh', '-c', script, this.#files, ...args, this.#pid];
    // a guard against a hang (the event is the line itself): it stretches with the machine's load
    const timeoutMs = paced(deadlineSeconds * 1000);
    const waited = await this.#host.exec(argv, { ns: this.ns, expectExit: 'any', timeoutMs });
    if (waited.exitCode !== 0) {
      const late = `not within ${Math.round(timeoutMs / 1000)} s`;
      throw new Error(`${what}: ${waited.exitCode === 3 ? 'it exited' : late}: ${(await this.output()).stderr.trim()}`);
    }
  }

  /** Signals the process (TERM unless told), waits for it to end (KILL after 5 s), returns its output. Idempotent. */
  stop(signal: 'INT' | 'TERM' = 'TERM'): Promise<CommandResult & BackgroundOutput> {
    this.#stopping ??= (async () => {
      if (!this.#exited) await this.#host.exec(['kill', `-${signal}`, this.#pid], { expectExit: 'any' });
      const ended = await within(this.#done, 5_000);
      if (!ended) await this.#host.exec(['kill', '-KILL', this.#pid], { expectExit: 'any' });
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
