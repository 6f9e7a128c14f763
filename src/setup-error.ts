// Bad input or a machine that cannot run the harness: one line that names the problem and the fix, no stack.
export class HarnessSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessSetupError';
    this.stack = `${this.name}: ${message}`; // one line: the message names the problem and the fix
  }
}
