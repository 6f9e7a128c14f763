// Every wait in the harness polls a condition with a deadline and reports the last thing it saw (no fixed sleeps).
// The deadline guards against a hang, so it stretches with the machine's load while the wait lasts (pace.ts):
// a busy machine makes a wait slow, never a failure.
import { setTimeout as delay } from 'node:timers/promises';
import { machinePace } from './pace.ts';

export interface WaitOptions {
  /** what is awaited, for the error message: "ceth0 to be UP" */
  what: string;
  /** on a quiet machine; scaled by the highest pace seen during the wait */
  deadlineMs: number;
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  readonly lastSeen: unknown;
  constructor(what: string, deadlineMs: number, lastSeen: unknown, pace = 1) {
    const scaled =
      pace > 1 ? ` (${Math.round(deadlineMs / pace)} ms on a quiet machine, this one ${pace.toFixed(1)}x as busy)` : '';
    super(`waited ${deadlineMs} ms${scaled} for ${what}; last seen: ${describe(lastSeen)}`);
    this.name = 'WaitTimeoutError';
    this.lastSeen = lastSeen;
  }
}

/**
 * Calls `observe` until `done(observation)` holds, then returns the observation.
 * `observe` may throw to abort the wait (a condition that can no longer become true).
 */
export async function waitUntil<T>(
  observe: () => Promise<T>,
  done: (seen: T) => boolean,
  opts: WaitOptions,
): Promise<T> {
  const started = Date.now();
  const interval = opts.intervalMs ?? 50;
  let pace = machinePace();
  for (;;) {
    const seen = await observe();
    if (done(seen)) return seen;
    pace = Math.max(pace, machinePace());
    if (Date.now() - started >= opts.deadlineMs * pace) {
      throw new WaitTimeoutError(opts.what, Math.round(opts.deadlineMs * pace), seen, pace);
    }
    await delay(interval);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 300 ? `${value.slice(0, 300)}…` : value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The promise's value if it settles within `ms`, else undefined (the caller then escalates, e.g. SIGKILL). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * within(), for a guard against a hang: the deadline, `quietMs` on a quiet machine, stretches with the highest
 * pace (pace.ts) seen while it lasts. A rejection of the promise is passed on.
 */
export async function withinPaced<T>(promise: Promise<T>, quietMs: number): Promise<T | undefined> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  const started = Date.now();
  let pace = machinePace();
  while (!settled && Date.now() - started < quietMs * pace) {
    await within(watched, Math.min(1_000, quietMs * pace - (Date.now() - started)));
    pace = Math.max(pace, machinePace());
  }
  return settled ? watched : undefined;
}
