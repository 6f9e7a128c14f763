// Captures start together and say where they saw packets; one that cannot start fails the capture with tcpdump's
// own words and leaves no tcpdump behind.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host]
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { capture, echoReplies, echoRequests } from '../src/evidence/capture.ts';
import { ping, probe } from '../src/probes/probe.ts';
import { runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

/**
 * Thaws a frozen tcpdump ($1) once its capture set has been told to stop: the set's waker ($2, a `sleep infinity`
 * child) has ended, or, for a set that kills its tcpdumps at once (no waker), a SIGTERM waits on the frozen tcpdump.
 */
const THAW_WHEN_STOPPED = `dump=$1 waker=$2
until { [ -n "$waker" ] && ! kill -0 "$waker" 2>/dev/null; } ||
  (( 0x$(awk '/^ShdPnd/ {print $2}' /proc/$dump/status) & 0x4000 )); do sleep 0.01; done
kill -CONT "$dump"`;

describe('packet captures', () => {
  test('each point, in the host and in a namespace, sees its own packets', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    const bridgeIp = addressOf(topology.bridge.address);
    const points = [{ iface: topology.bridge.name }, { ns: ns.name, iface: ns.link }, { iface: 'lo' }];
    const { packets } = await capture(host, points, ['icmp'], () => probe(host, ping(ns.name, bridgeIp)));
    expect(echoRequests(packets[`host/${topology.bridge.name}`])).toHaveLength(1);
    expect(echoReplies(packets[`${ns.name}/${ns.link}`])).toHaveLength(1);
    expect(packets['host/lo']).toEqual([]);
  });

  test('a tcpdump that is behind when the capture stops still prints every packet its interface passed', async ({
    guide,
  }) => {
    // On a busy machine a tcpdump may not have read the packets of an action when the capture stops, and a tcpdump
    // that is killed leaves them unread: a ping's reply went missing that way. Here tcpdump is frozen while the
    // ping passes, and only thawed once the capture has been told to stop.
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const bridged = await host.exec(['ip', 'link', 'show', topology.bridge.name], { expectExit: 'any' });
    if (bridged.exitCode !== 0) await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    const bridgeIp = addressOf(topology.bridge.address);
    const { packets } = await capture(host, [{ iface: topology.bridge.name }], ['icmp'], async () => {
      const dump = (await host.exec(['pgrep', '-x', 'tcpdump'])).stdout.trim();
      const set = (await host.exec(['ps', '-o', 'ppid=', '-p', dump])).stdout.trim();
      const waker = (await host.exec(['pgrep', '-P', set, '-x', 'sleep'], { expectExit: 'any' })).stdout.trim();
      await host.exec(['kill', '-STOP', dump]);
      await probe(host, ping(ns.name, bridgeIp));
      void host.exec(['bash', '-c', THAW_WHEN_STOPPED, 'thaw', dump, waker], { expectExit: 'any' });
    });
    expect(echoRequests(packets[`host/${topology.bridge.name}`])).toHaveLength(1);
    expect(echoReplies(packets[`host/${topology.bridge.name}`])).toHaveLength(1);
  });

  test('its twin: a point whose interface does not exist fails the capture, saying so', async ({ guide }) => {
    const { topology, host } = guide;
    const points = [{ iface: topology.bridge.name }, { iface: 'eth9' }];
    const captured = capture(host, points, ['icmp'], async () => 'not run');
    await expect(captured).rejects.toThrow(
      /^tcpdump on host\/br0, host\/eth9: it exited: tcpdump: eth9: No such device/,
    );
    const left = await host.exec(['pgrep', 'tcpdump'], { expectExit: 'any' });
    expect(left.stdout).toBe('');
  });
});
