// Scenario 1 — namespace to bridge (docs/scenarios.md; the guide's part two, and docker0's containers in part one).
//
//   [netns1] ceth0 192.168.0.2/16          [netns2] ceth1 192.168.0.3/16
//        |  veth                                |  veth
//      veth0 ---------- [host] br0 192.168.0.1/16 ---------- veth1
import { describe, expect } from 'vitest';
import { expectReachability } from '../fixtures/expect-reachability.ts';
import { test } from '../fixtures/guide-test.ts';
import {
  addBridge,
  addNamespace,
  addVethPair,
  attachToBridge,
  bringUpHostSide,
  configureNamespaceSide,
  moveIntoNamespace,
} from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { watch } from '../fixtures/watch.ts';
import { announcedNeighbourState, linkState, neighbourState } from '../src/evidence/links.ts';
import { ping } from '../src/probes/probe.ts';
import { runStep, runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';
import { waitUntil } from '../src/wait.ts';

describe('Scenario 1: namespace to bridge', () => {
  test('before veth0 is up, ceth0 is LOWERLAYERDOWN and netns1 cannot reach br0', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const bridgeIp = addressOf(topology.bridge.address);
    await runSteps(guide, [
      addNamespace(ns),
      addBridge(topology),
      addVethPair(ns),
      moveIntoNamespace(ns),
      attachToBridge(ns, topology),
      configureNamespaceSide(ns, topology),
    ]);

    expect((await linkState(host, ns.name, ns.link)).operstate).toBe('LOWERLAYERDOWN');
    const {
      result: { packets },
      state,
    } = await announcedNeighbourState(host, ns.name, bridgeIp, () =>
      watch(guide, [{ iface: topology.bridge.name }], ['arp'], () =>
        expectReachability(guide, [{ probe: ping(ns.name, bridgeIp), expect: 'timeout' }]),
      ),
    );
    // the path: nothing crossed the cable to br0, and netns1's ARP request for br0's address failed.
    // Awaiting FAILED also lets the resolution end here: a ping queued behind it would inherit its failure.
    expect(packets[`host/${topology.bridge.name}`]).toEqual([]);
    expect(state).toEqual(['FAILED']);
  });

  test('with veth0 up, ceth0 is UP and netns1 pings br0 192.168.0.1', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const bridgeIp = addressOf(topology.bridge.address);
    await runStep(guide, bringUpHostSide(ns));

    const link = await waitUntil(
      () => linkState(host, ns.name, ns.link),
      (state) => state.operstate === 'UP',
      {
        what: `${ns.link} in ${ns.name} to be UP`,
        deadlineMs: 5_000,
      },
    );
    expect(link.flags).toContain('LOWER_UP');
    await expectReachability(guide, [{ probe: ping(ns.name, bridgeIp), expect: 'reachable' }]);
    expect(await neighbourState(host, ns.name, bridgeIp)).toEqual(['REACHABLE']);
  });

  test('netns2 cabled but not yet a port of br0: netns1 and netns2 do not reach each other', async ({
    guide,
    skip,
  }) => {
    const { topology, host } = guide;
    const [ns1, ns2] = topology.namespaces;
    if (!ns2) return skip(`topology ${topology.source} has one namespace; this step needs two`);
    await runSteps(guide, [
      addNamespace(ns2),
      addVethPair(ns2),
      moveIntoNamespace(ns2),
      configureNamespaceSide(ns2, topology),
      bringUpHostSide(ns2),
    ]);

    const ns2Ip = addressOf(ns2.address);
    const {
      result: { packets },
      state,
    } = await announcedNeighbourState(host, ns1!.name, ns2Ip, () =>
      watch(guide, [{ iface: ns2.hostLink }], ['arp'], () =>
        expectReachability(guide, [{ probe: ping(ns1!.name, ns2Ip), expect: 'timeout' }]),
      ),
    );
    // the path: netns1's ARP request floods br0's ports, veth1 is not one of them, and the resolution fails
    expect(packets[`host/${ns2.hostLink}`]).toEqual([]);
    expect(state).toEqual(['FAILED']);
    expect((await linkState(host, undefined, ns2.hostLink)).master).toBeUndefined();
  });

  test('with veth1 a port of br0, netns1 and netns2 reach each other (like 172.17.0.2 and .3 on docker0)', async ({
    guide,
    skip,
  }) => {
    const { topology, host } = guide;
    const [ns1, ns2] = topology.namespaces;
    if (!ns2) return skip(`topology ${topology.source} has one namespace; this step needs two`);
    await runStep(guide, attachToBridge(ns2, topology));

    expect((await linkState(host, undefined, ns2.hostLink)).master).toBe(topology.bridge.name);
    await expectReachability(guide, [
      { probe: ping(ns1!.name, addressOf(ns2.address)), expect: 'reachable' },
      { probe: ping(ns2.name, addressOf(ns1!.address)), expect: 'reachable' },
      { probe: ping(ns2.name, addressOf(topology.bridge.address)), expect: 'reachable' },
    ]);
  });

  test('the final state has property 1-bridge, judged as every implementation is', async ({
    guide,
    expectGuideProperty,
  }) => {
    await expectGuideProperty('1-bridge');
  });

  test('its IPv6 twin: in dual stack the same steps built IPv6 too, and the state has 1-bridge in IPv6', async ({
    expectGuideProperty,
  }) => {
    await expectGuideProperty('1-bridge', undefined, 'ipv6');
  });
});
