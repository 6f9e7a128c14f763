// The guard that fails a run when the machine's own namespace changed: it must see a change. (It cannot be shown
// on the machine itself, which the harness must never change: the comparison runs on a real snapshot, edited.)
import { expect, test } from 'vitest';
import { machineChanges, snapshotMachine } from '../src/machine/snapshot.ts';

test('an unchanged machine passes; an added route or a flipped sysctl is named with its line', async () => {
  const before = await snapshotMachine();
  expect(machineChanges(before, await snapshotMachine())).toEqual([]);
  const after = {
    ...before,
    routes: `${before.routes}\n10.66.0.0/16 dev eth9`,
    sysctls: before.sysctls!.replace(/ip_forward = \d/, 'ip_forward = 7'),
  };
  expect(machineChanges(before, after)).toEqual([
    expect.stringMatching(/^routes: was "", now "10\.66\.0\.0\/16 dev eth9"$/),
    expect.stringMatching(/^sysctls: was "net\.ipv4\.ip_forward = \d", now "net\.ipv4\.ip_forward = 7"$/),
  ]);
});
