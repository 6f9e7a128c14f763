// Starts the responder (responder.py) in a namespace of a host and waits until it listens.
import type { BackgroundProcess } from '../hosts/background.ts';
import type { Host, NetnsRef } from '../hosts/host.ts';
import type { Protocol } from './outcome.ts';
import { pythonArgv } from './python-programs.ts';

/** its first argument: the name it has in `ps`, for people and for the self-tests that look for it */
export const RESPONDER_NAME = 'netns-conformance-responder';

export async function startResponder(
  host: Host,
  ns: NetnsRef | undefined,
  port: number,
  protocol: Protocol = 'tcp',
): Promise<BackgroundProcess> {
  const responder = await host.spawn(pythonArgv('responder', [RESPONDER_NAME, String(port), protocol]), { ns });
  // it says so on stderr once listen() (or bind(), over UDP) has returned: one wait inside the host, not a poll
  await responder.waitForStderr('listening on', `the responder on ${protocol} port ${port} in ${ns ?? 'host'}`);
  return responder;
}

/**
 * Who the responder saw, in order; with `atLeast`, once it has accepted that many connections (a TCP connect
 * is done for its client at the handshake, before the server's accept: waited for, not raced).
 */
export async function peersSeen(responder: BackgroundProcess, atLeast = 0): Promise<string[]> {
  if (atLeast > 0) await responder.waitForStdout(`{"n": ${atLeast}, `, `the responder's connection ${atLeast}`);
  const { stdout } = await responder.output();
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { peer: string }).peer);
}
