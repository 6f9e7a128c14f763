// Scenario 2 — namespace to the root namespace via the bridge (docs/scenarios.md).
//
//   [netns1] ceth0 192.168.0.2/16 --- veth0 [host] br0 192.168.0.1/16
//                                              eth0 172.31.8.154/20
// netns1 knows only its connected 192.168.0.0/16 until it gets `default via 192.168.0.1`.
import { describe, expect } from 'vitest';
import { expectReachability } from '../fixtures/expect-reachability.ts';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { addDefaultRoute } from '../src/implementations/guide/steps/namespace-to-root.ts';
import { watch } from '../fixtures/watch.ts';
import { echoReplies, echoRequests } from '../src/evidence/capture.ts';
import { routeGet } from '../src/evidence/links.ts';
import { ping } from '../src/probes/probe.ts';
import { runStep, runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

describe('Scenario 2: namespace to the root namespace via the bridge', () => {
  test('given scenario 1, netns1 reaches br0', async ({ guide }) => {
    const { topology } = guide;
    const ns = topology.namespaces[0]!;
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);

    await expectReachability(guide, [
      { probe: ping(ns.name, addressOf(topology.bridge.address)), expect: 'reachable' },
    ]);
  });

  test("without a default route, netns1 cannot reach the host's eth0 address: Network is unreachable", async ({
    guide,
  }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const uplinkIp = addressOf(topology.uplink.address);

    // refused locally, before any packet leaves netns1: the kernel has no route
    await expectReachability(guide, [{ probe: ping(ns.name, uplinkIp), expect: 'network-unreachable' }]);
    expect(await routeGet(host, ns.name, uplinkIp)).toEqual({ ok: false, error: 'Network is unreachable' });

    // the other way, from eth0's address: the request arrives in netns1, which has no route for its reply
    const { packets } = await watch(guide, [{ iface: topology.bridge.name }], ['icmp'], () =>
      expectReachability(guide, [
        { probe: ping(undefined, addressOf(ns.address), { source: uplinkIp }), expect: 'timeout' },
      ]),
    );
    const seen = packets[`host/${topology.bridge.name}`];
    expect(echoRequests(seen).map((p) => [p.src, p.dst])).toEqual([[uplinkIp, addressOf(ns.address)]]);
    expect(echoReplies(seen)).toEqual([]);
  });

  test('with default via 192.168.0.1, netns1 reaches 172.31.8.154 and the host reaches 192.168.0.2', async ({
    guide,
  }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const uplinkIp = addressOf(topology.uplink.address);
    const bridgeIp = addressOf(topology.bridge.address);
    await runStep(guide, addDefaultRoute(ns, topology));

    expect(await routeGet(host, ns.name, uplinkIp)).toMatchObject({ ok: true, dev: ns.link, gateway: bridgeIp });
    // the host reaches netns1 through the connected route that br0's address made
    expect(await routeGet(host, undefined, addressOf(ns.address))).toMatchObject({
      ok: true,
      dev: topology.bridge.name,
      prefsrc: bridgeIp,
    });
    await expectReachability(guide, [
      { probe: ping(ns.name, uplinkIp), expect: 'reachable' },
      { probe: ping(undefined, addressOf(ns.address)), expect: 'reachable' },
      { probe: ping(undefined, addressOf(ns.address), { source: uplinkIp }), expect: 'reachable' },
    ]);
  });

  test('the final state has property 2-host, judged as every implementation is', async ({
    guide,
    expectGuideProperty,
  }) => {
    await expectGuideProperty('2-host', [guide.topology.namespaces[0]!]);
  });

  test('its IPv6 twin: in dual stack the same steps built IPv6 too, and the state has 2-host in IPv6', async ({
    guide,
    expectGuideProperty,
  }) => {
    await expectGuideProperty('2-host', [guide.topology.namespaces[0]!], 'ipv6');
  });
});
