// A long-running process inside a host (an HTTP server, a packet capture). Its pid and output live in files
// inside the host, so it can be read while it runs and signalled where it lives.
import type { CommandResult, CommandRunner } from './command.ts';
import { waitUntil, within } from '../wait.ts';

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

  private constructor(host: CommandRunner, files: string, done: Promise<CommandResult>, pid: string, ns: string | undefined) {
    this.#host = host;
    this.#files = files;
    this.#done = done;
    this.#pid = pid;
    this.ns = ns;
    void done.then((result) => (this.#exited = result));
  }

  /** Resolves once the wrapper inside the host has written the process's pid. */
  static async started(host: CommandRunner, files: string, done: Promise<CommandResult>, ns: string | undefined): Promise<BackgroundProcess> {
    let exitedEarly: CommandResult | undefined;
    void done.then((result) => (exitedEarly = result));
    const pid = await waitUntil(
      async () => {
        if (exitedEarly && exitedEarly.exitCode !== 0) throw new Error(`\`${exitedEarly.display}\` exited ${exitedEarly.exitCode} at start: ${exitedEarly.stderr.trim()}`);
        return (await host.exec(['cat', `${files}.pid`], { expectExit: 'any' })).stdout.trim();
      },
      (seen) => /^\d+$/.test(seen),
      { what: `a pid in ${files}.pid`, deadlineMs: 10_000, intervalMs: 20 },
    );
    return new BackgroundProcess(host, files, done, pid, ns);
  }

  /** exit status once it has ended by itself (or been stopped), else undefined */
  get exited(): CommandResult | undefined {
    return this.#exited;
  }

  /** What it wrote so far. */
  async output(): Promise<BackgroundOutput> {
    const [stdout, stderr] = await Promise.all(
      ['out', 'err'].map(async (stream) => (await this.#host.exec(['cat', `${this.#files}.${stream}`], { expectExit: 'any' })).stdout),
    );
    return { stdout: stdout!, stderr: stderr! };
  }

  /** Signals the process (TERM unless told), waits for it to end (KILL after 5 s) and returns its output. Idempotent. */
  stop(signal: 'INT' | 'TERM' = 'TERM'): Promise<CommandResult & BackgroundOutput> {
    this.#stopping ??= (async () => {
      if (!this.#exited) await this.#host.exec(['kill', `-${signal}`, this.#pid], { expectExit: 'any' });
      const ended = await within(this.#done, 5_000);
      if (!ended) await this.#host.exec(['kill', '-KILL', this.#pid], { expectExit: 'any' });
      const result = await this.#done;
      const output = await this.output();
      await this.#host.exec(['rm', '-f', `${this.#files}.pid`, `${this.#files}.out`, `${this.#files}.err`], { expectExit: 'any' });
      for (const callback of this.#onStopped) callback();
      return { ...result, ...output };
    })();
    return this.#stopping;
  }

  onStopped(callback: () => void): void {
    this.#onStopped.push(callback);
  }
}
