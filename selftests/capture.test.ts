// Captures start together and say where they saw packets; one that cannot start fails the capture with tcpdump's
// own words and leaves no tcpdump behind.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host]
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { capture, echoReplies, echoRequests } from '../src/evidence/capture.ts';
import { ping, probe } from '../src/probes/probe.ts';
import { runSteps } from '../src/report/run-step.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

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
