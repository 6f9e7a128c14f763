// A shell that gathers instead of running: each `$` line is written into one bash script, which run() sends to the
// host as one command. For builds that need no answer between their lines (the simulated internet; the guide's
// whole set-up when only its final state is judged): one exec instead of one per line, about 7 ms each on a netns
// host. Consecutive `ip` lines for one namespace go to one `ip -batch -` (a process each costs about 2 ms; a build
// is mostly such lines). The first failing line stops the script, and the error names that line.
import { CommandError, shellText, type CommandResult } from './command.ts';
import type { Host } from './host.ts';

export type GatheringShell = (pieces: TemplateStringsArray, ...values: unknown[]) => Promise<void>;

export interface ScriptShell {
  $: GatheringShell;
  /** runs what was gathered, as one `bash -s`; throws a CommandError with the failing line */
  run(): Promise<CommandResult>;
}

const PREAMBLE = ['set -e -o pipefail', `trap 'echo "failed: $BASH_COMMAND" >&2' ERR`];

/**
 * An `ip` line that `ip -batch` takes as it is: an object that only talks netlink (`netns add` would unshare the
 * batch's own process, `netns exec` runs a program), and plain words (batch lines have no shell quoting).
 */
const BATCHABLE = /^ip (?:-n ([\w.-]+) )?((?:link|addr|address|route|rule|neigh) [\w./:@%+=,-]+(?: [\w./:@%+=,!-]+)*)$/;

interface Batch {
  ns: string | undefined;
  lines: string[];
}

type Piece = string | Batch;

/** The lines, with each run of batchable `ip` lines for one namespace gathered into a batch. */
function batched(lines: readonly string[]): Piece[] {
  const pieces: Piece[] = [];
  for (const line of lines) {
    const match = BATCHABLE.exec(line);
    if (!match) {
      pieces.push(line);
      continue;
    }
    const [, ns, command] = match;
    const last = pieces.at(-1);
    if (typeof last === 'object' && last.ns === ns) last.lines.push(command!);
    else pieces.push({ ns, lines: [command!] });
  }
  return pieces;
}

/** How a batch's lines are written as commands: `ip`, or `ip -n NS`. */
const ipOf = ({ ns }: Batch) => (ns === undefined ? 'ip' : `ip -n ${ns}`);

/** A batch as script text: its lines on ip's stdin; a failure names the batch, and ip names the line. */
function batchText(batch: Batch, index: number): string {
  return (
    `${ipOf(batch)} -batch - <<'BATCH' || { echo "failed: batch ${index}" >&2; exit 1; }\n` +
    `${batch.lines.join('\n')}\nBATCH`
  );
}

/** ip -batch says `Command failed -:N`; the error names the gathered line instead. */
function namingTheLine(result: CommandResult, batches: readonly Batch[]): CommandResult {
  const failed = /Command failed -:(\d+)[\s\S]*failed: batch (\d+)/.exec(result.stderr);
  if (!failed) return result;
  const batch = batches[Number(failed[2])]!;
  const line = batch.lines[Number(failed[1]) - 1];
  return {
    ...result,
    stderr: result.stderr.replace(/Command failed -:\d+\s*failed: batch \d+/, `failed: ${ipOf(batch)} ${line}`),
  };
}

export function scriptShell(host: Host): ScriptShell {
  const lines: string[] = [];
  return {
    $: async (pieces, ...values) => {
      lines.push(shellText(pieces, values));
    },
    run: async () => {
      const pieces = batched(lines);
      const batches = pieces.filter((piece): piece is Batch => typeof piece === 'object');
      const script = pieces.map((piece) =>
        typeof piece === 'string' ? piece : batchText(piece, batches.indexOf(piece)),
      );
      const display =
        `bash -s <<'SCRIPT'  # runs of ip lines for one namespace go to one ip -batch\n` +
        `${lines.join('\n')}\nSCRIPT`;
      const result = await host.exec(['bash', '-s'], {
        stdin: `${[...PREAMBLE, ...script].join('\n')}\n`,
        display,
        expectExit: 'any',
      });
      if (result.exitCode !== 0) throw new CommandError(host.name, namingTheLine(result, batches), 0);
      return result;
    },
  };
}
