// The transport of hosts reached by a local argv prefix (`docker exec …`, `nsenter …`): one local process per
// command, its output collected. A VM or netns host is reached through its agent instead (agent/channel.ts).
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { RawResult, RunOptions } from './host.ts';

export function runLocally(prefix: readonly string[], argv: readonly string[], opts: RunOptions): Promise<RawResult> {
  const [file, ...args] = [...prefix, ...argv];
  const child = spawn(file!, args, {
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: opts.backstopMs,
  });
  // a child that exits before reading its input must not fail the write (EPIPE) as an unhandled error
  child.stdin?.on('error', () => {});
  if (child.stdin)
    void Promise.resolve(opts.stdin).then(
      (text) => child.stdin!.end(text),
      () => child.stdin!.end(),
    );
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve) => {
    const finish = (exitCode: number, failure = '') =>
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString() + failure,
      });
    child.once('error', (error) => finish(-1, `${file}: ${error.message}`));
    child.once('close', (code, signal) => finish(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
}
