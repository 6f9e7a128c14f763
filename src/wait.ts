// Every wait in the harness polls a condition with a deadline and reports the last thing it saw (no fixed sleeps).
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** what is awaited, for the error message: "ceth0 to be UP" */
  what: string;
  deadlineMs: number;
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  readonly lastSeen: unknown;
  constructor(what: string, deadlineMs: number, lastSeen: unknown) {
    super(`waited ${deadlineMs} ms for ${what}; last seen: ${describe(lastSeen)}`);
    this.name = 'WaitTimeoutError';
    this.lastSeen = lastSeen;
  }
}

/**
 * Calls `observe` until `done(observation)` holds, then returns the observation.
 * `observe` may throw to abort the wait (a condition that can no longer become true).
 */
export async function waitUntil<T>(observe: () => Promise<T>, done: (seen: T) => boolean, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.deadlineMs;
  const interval = opts.intervalMs ?? 50;
  for (;;) {
    const seen = await observe();
    if (done(seen)) return seen;
    if (Date.now() >= deadline) throw new WaitTimeoutError(opts.what, opts.deadlineMs, seen);
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
