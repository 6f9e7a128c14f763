// Runs a shell command once this process has ended in any way, SIGKILL included (then no handler of its own
// runs): a small detached shell holds a pipe from this process, and acts when the pipe closes.
import { spawn } from 'node:child_process';

export function afterDeath(command: string, args: string[]): void {
  const shell = spawn('sh', ['-c', `cat >/dev/null; ${command}`, ...args], {
    detached: true, // its own process group: a Ctrl-C to the run's group must not end it before it acts
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // the pipe stays open for as long as this process lives, without keeping it alive
  shell.unref();
  (shell.stdin as unknown as { unref(): void }).unref();
}
