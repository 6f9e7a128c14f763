// A shell that gathers instead of running: each `$` line is written into one bash script, which run() sends to the
// host as one command. For builds that need no answer between their lines (the simulated internet; the guide's
// whole set-up when only its final state is judged): one exec instead of one per line, about 9 ms each on a netns
// host. The first failing line stops the script, and the error names it.
import { shellText, type CommandResult } from './command.ts';
import type { Host } from './host.ts';

export type GatheringShell = (pieces: TemplateStringsArray, ...values: unknown[]) => Promise<void>;

export interface ScriptShell {
  $: GatheringShell;
  /** runs what was gathered, as one `bash -s`; throws a CommandError with the failing line */
  run(): Promise<CommandResult>;
}

const PREAMBLE = ['set -e -o pipefail', `trap 'echo "failed: $BASH_COMMAND" >&2' ERR`];

export function scriptShell(host: Host): ScriptShell {
  const lines: string[] = [];
  return {
    $: async (pieces, ...values) => {
      lines.push(shellText(pieces, values));
    },
    run: () => host.exec(['bash', '-s'], { stdin: `${[...PREAMBLE, ...lines].join('\n')}\n`, display: `bash -s <<'SCRIPT'\n${lines.join('\n')}\nSCRIPT` }),
  };
}
