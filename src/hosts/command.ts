// What a command run inside a host returns, and the error thrown when its exit status is not the expected one.
import { quote } from 'zx';

export interface CommandResult {
  /** the command as it runs inside the host (no backend prefix), for logs and reproduction */
  readonly display: string;
  /** the namespace inside the host it ran in (a NetnsRef); undefined is the host's own ("root") namespace */
  readonly ns: string | undefined;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** killed at its deadline by the host's agent (exit 124, as coreutils timeout says it) */
  readonly timedOut: boolean;
}

/** Exit statuses a caller accepts: one, several, or 'any' (the status is data, as for probes). */
export type ExpectedExit = number | readonly number[] | 'any';

export function exitAccepted(expected: ExpectedExit, exitCode: number): boolean {
  if (expected === 'any') return true;
  return typeof expected === 'number' ? exitCode === expected : expected.includes(exitCode);
}

/** a condition on a file inside the host, polled there (no process per poll) while a process lives */
export interface FileWatch {
  path: string;
  /** holds once the file contains this text */
  contains?: string;
  /** holds once the file, a /proc/PID/net/netlink, lists this pid's socket with a multicast group joined */
  netlinkSubscriber?: number;
  /** the process whose end makes the condition hopeless: the reply is then exit 3 */
  whileAlive: number;
}

/** What runs commands inside a host: all that a background process needs of it (so it does not import Host). */
export interface CommandRunner {
  exec(
    argv: readonly string[],
    opts?: { ns?: string; expectExit?: ExpectedExit; timeoutMs?: number },
  ): Promise<CommandResult>;
  /** polls a file inside the host until a condition holds (agent-side: no process per poll); see FileWatch */
  watch(watch: FileWatch, opts: { timeoutMs: number; display: string }): Promise<CommandResult>;
  /** a background process's output files, PREFIX.out and PREFIX.err; `remove` deletes them */
  readOutput(prefix: string, remove: boolean): Promise<{ stdout: string; stderr: string }>;
  /** sends a signal to a process of the host (by the agent: no `kill` process); exit 1 when it has ended */
  signal(pid: number, signal: HostSignal): Promise<CommandResult>;
}

export type HostSignal = 'INT' | 'TERM' | 'KILL';

/** The command text of a shell template: each interpolation quoted, an array word by word (zx's rule). */
export function shellText(pieces: TemplateStringsArray, values: readonly unknown[]): string {
  const word = (value: unknown): string =>
    Array.isArray(value) ? value.map((item) => quote(String(item))).join(' ') : quote(String(value));
  return pieces.reduce((text, piece, index) => text + piece + (index < values.length ? word(values[index]) : ''), '');
}

/**
 * An argument as a reader pastes it into a shell: bare when it needs no quoting, in single quotes when it is one
 * line (zx's quote writes `$'!'` for a rule's `!`, which reads as noise), and as zx quotes it when it has a line
 * break or another control character (`$'…\n…'`, so that a program given with -c stays on one line).
 */
function displayWord(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return /[\x00-\x1f\x7f]/.test(arg) ? quote(arg) : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Shell-quoted text of an argv, for display only: commands themselves never go through a string. */
export function displayArgv(argv: readonly string[]): string {
  return argv.map(displayWord).join(' ');
}

export class CommandError extends Error {
  readonly result: CommandResult;
  constructor(hostName: string, result: CommandResult, expected: ExpectedExit) {
    const where = result.ns ? `namespace ${result.ns} of host ${hostName}` : `host ${hostName}`;
    const why = result.timedOut ? 'timed out' : `exited ${result.exitCode}`;
    const output = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    const expectedText = `expected exit ${JSON.stringify(expected)}`;
    super(`\`${result.display}\` in ${where} ${why}, ${expectedText}${output ? `: ${output}` : ''}`);
    this.name = 'CommandError';
    this.result = result;
  }
}
