// A limit on how many heavy things (a nested vitest run: its own global setup, workers and hosts) run at once
// across the run's worker processes. Unbounded, the self-tests' nested runs side by side loaded a 2-core machine
// to a load average of 20-28, and then every deadline in them measured the machine, not the harness.
// The run's main process serves slots on a Unix socket; a holder keeps its connection open while it works, so a
// slot comes back when the holder closes it or dies, whatever the way: nothing to poll, nothing to leak.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessSetupError } from './setup-error.ts';

/** the environment entry that carries the socket's path to the workers (and what they start) */
export const SLOTS_ENV = 'NETNS_SLOTS';
const GRANTED = 'go\n';

export interface SlotServer {
  path: string;
  limit: number;
  /** how many hold a slot and how many wait for one */
  state(): { holding: number; waiting: number };
  close(): void;
}

/** NETNS_NESTED_AT_ONCE, or one nested run per core. */
export function slotLimit(env = process.env): number {
  const value = env.NETNS_NESTED_AT_ONCE;
  if (value === undefined) return availableParallelism();
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new HarnessSetupError(
      `NETNS_NESTED_AT_ONCE=${value} is not a whole number of at least 1; leave it unset for one per core`,
    );
  }
  return limit;
}

export async function serveSlots(limit: number): Promise<SlotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netns-conformance-slots-'));
  const path = join(dir, 'slots.sock');
  const holders = new Set<Socket>();
  const queue: Socket[] = [];
  const grantNext = () => {
    while (holders.size < limit && queue.length) {
      const next = queue.shift()!;
      holders.add(next);
      next.write(GRANTED);
    }
  };
  const server: Server = createServer((socket) => {
    socket.on('error', () => {}); // a holder that died: 'close' follows
    socket.on('close', () => {
      holders.delete(socket);
      const queued = queue.indexOf(socket);
      if (queued >= 0) queue.splice(queued, 1);
      grantNext();
    });
    queue.push(socket);
    grantNext();
  });
  await new Promise<void>((listening, failed) => server.once('error', failed).listen(path, listening));
  server.unref(); // the run's end is vitest's to decide, not this server's
  return {
    path,
    limit,
    state: () => ({ holding: holders.size, waiting: queue.length }),
    close: () => {
      server.close();
      for (const socket of [...holders, ...queue]) socket.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits for a slot and returns how to give it back. Without a server (a process started outside a run), it
 * runs at once: the limit is the run's, not the machine's.
 */
export async function takeSlot(path = process.env[SLOTS_ENV]): Promise<() => void> {
  if (!path) return () => {};
  const socket = createConnection(path);
  await new Promise<void>((granted, failed) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(GRANTED)) granted();
    });
    socket.once('error', (error) => failed(new Error(`no slot for a nested run from ${path}: ${error.message}`)));
    socket.once('close', () => failed(new Error(`the slot server at ${path} closed before it gave a slot`)));
  });
  socket.removeAllListeners('close');
  socket.on('error', () => {});
  return () => socket.destroy();
}
