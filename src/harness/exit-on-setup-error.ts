// Bad input or a machine that cannot run the harness ends the process with one line naming the problem and
// the fix (exit 2), not a stack; any other error is a bug and keeps its stack.
import { TopologyError } from '../implementations/guide/topology.ts';
import { HarnessSetupError } from '../setup-error.ts';

export function exitOnSetupError(error: unknown): never {
  if (!(error instanceof HarnessSetupError || error instanceof TopologyError)) throw error;
  process.stderr.write(`\nnetns-conformance: ${error.message}\n\n`);
  process.exit(2);
}
