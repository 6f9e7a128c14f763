// The self-tests' nested runs take turns: a slot server hands out as many as its limit, a freed slot goes to the
// next in line, and a holder that dies gives its slot back. Deadlines that guard against a hang stretch with the
// machine's load, read from the kernel's run queue.
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { machinePace } from '../src/pace.ts';
import { serveSlots, slotLimit, takeSlot } from '../src/slots.ts';
import { waitUntil, withinPaced } from '../src/wait.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('slots', () => {
  test('a limit of two: the third waits until a slot is given back, also by a holder that was killed', async () => {
    const server = await serveSlots(2);
    const state = async () => server.state();
    try {
      const first = await takeSlot(server.path);
      // the second holder is another process: killed, it cannot give its slot back itself
      const holder = execa(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
        const { takeSlot } = await import('./src/slots.ts');
        await takeSlot(${JSON.stringify(server.path)});
        console.log('holding');
        setInterval(() => {}, 1000);`,
        ],
        { cwd: ROOT, reject: false, buffer: false },
      );
      await new Promise((held) => holder.stdout!.once('data', held));
      let third = false;
      const thirdSlot = takeSlot(server.path).then((release) => ((third = true), release));
      await waitUntil(state, (now) => now.waiting === 1, {
        what: 'the third to queue',
        deadlineMs: 5_000,
        intervalMs: 5,
      });
      expect(server.state()).toEqual({ holding: 2, waiting: 1 });
      expect(third).toBe(false);

      holder.kill('SIGKILL');
      await thirdSlot;
      expect(server.state()).toEqual({ holding: 2, waiting: 0 });
      const fourth = takeSlot(server.path);
      await waitUntil(state, (now) => now.waiting === 1, {
        what: 'the fourth to queue',
        deadlineMs: 5_000,
        intervalMs: 5,
      });
      first();
      await fourth;
      expect(server.state()).toEqual({ holding: 2, waiting: 0 });
    } finally {
      server.close();
    }
  });

  test('NETNS_NESTED_AT_ONCE must be a whole number of at least 1', () => {
    expect(slotLimit({ NETNS_NESTED_AT_ONCE: '3' })).toBe(3);
    expect(() => slotLimit({ NETNS_NESTED_AT_ONCE: '0' })).toThrow(
      /NETNS_NESTED_AT_ONCE=0 is not a whole number of at least 1/,
    );
    expect(() => slotLimit({ NETNS_NESTED_AT_ONCE: 'many' })).toThrow(/leave it unset for one per core/);
  });
});

describe('pace', () => {
  test('a quiet machine is 1; a busy one is its load or its runnable tasks per core', () => {
    expect(machinePace('0.30 0.20 0.10 1/300 999', 2)).toBe(1);
    expect(machinePace('8.00 4.00 1.00 2/300 999', 2)).toBe(4);
    expect(machinePace('1.00 1.00 1.00 13/300 999', 2)).toBe(6); // the 1-minute average lags: now counts too
    expect(machinePace('900 900 900 1/300 999', 2)).toBe(30); // past that a deadline guards nothing
  });

  const pacedGuard =
    'a paced guard gives the value, passes on a rejection, and gives up on a promise that never settles';
  test(pacedGuard, async () => {
    expect(await withinPaced(Promise.resolve('booted'), 1_000)).toBe('booted');
    await expect(withinPaced(Promise.reject(new Error('qemu exited')), 1_000)).rejects.toThrow('qemu exited');
    expect(await withinPaced(new Promise(() => {}), 20)).toBeUndefined();
  });
});
