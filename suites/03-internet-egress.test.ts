// Scenario 3 — internet (ping 8.8.8.8) through ip_forward and MASQUERADE (docs/scenarios.md).
//
//   [netns1] 192.168.0.2 --- br0 [host] eth0 172.31.8.154 --- isp0 [internet] 172.31.0.1; lo 8.8.8.8
// The internet has no route back to 192.168.0.0/16: only a request from 172.31.8.154 can be answered.
import { describe, expect } from 'vitest';
import { expectReachability } from '../fixtures/expect-reachability.ts';
import { test } from '../fixtures/guide-test.ts';
import {
  addMasquerade,
  ipForwardOff,
  ipForwardOn,
  masqueradeRule,
} from '../src/implementations/guide/steps/internet-egress.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { addDefaultRoute } from '../src/implementations/guide/steps/namespace-to-root.ts';
import { watch } from '../fixtures/watch.ts';
import { echoReplies, echoRequests } from '../src/evidence/capture.ts';
import { rulePackets } from '../src/evidence/counters.ts';
import { routeGet, sysctl } from '../src/evidence/links.ts';
import { ping } from '../src/probes/probe.ts';
import { runStep, runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

describe('Scenario 3: internet (ping 8.8.8.8)', () => {
  test("given scenarios 1 and 2, netns1 reaches the host's eth0 address", async ({ guide }) => {
    const { topology } = guide;
    const ns = topology.namespaces[0]!;
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology), addDefaultRoute(ns, topology)]);

    await expectReachability(guide, [
      { probe: ping(ns.name, addressOf(topology.uplink.address)), expect: 'reachable' },
    ]);
  });

  test('with ip_forward=0, the echo request to 8.8.8.8 reaches br0 but never leaves eth0; no reply', async ({
    guide,
  }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    await runStep(guide, ipForwardOff);

    expect(await sysctl(host, undefined, 'net.ipv4.ip_forward')).toBe('0');
    const { packets } = await watch(
      guide,
      [{ iface: topology.bridge.name }, { iface: topology.uplink.name }],
      ['icmp'],
      () => expectReachability(guide, [{ probe: ping(ns.name, topology.internet.publicHost), expect: 'timeout' }]),
    );
    expect(echoRequests(packets[`host/${topology.bridge.name}`]).map((p) => p.src)).toEqual([addressOf(ns.address)]);
    expect(packets[`host/${topology.uplink.name}`]).toEqual([]);
  });

  test(
    'with ip_forward=1 and no NAT, the request leaves eth0 from the private 192.168.0.2 ' +
      'and the internet cannot route the reply',
    async ({ guide }) => {
      const { topology, host } = guide;
      const ns = topology.namespaces[0]!;
      const { internet } = topology;
      await runStep(guide, ipForwardOn);

      const { packets } = await watch(guide, [{ iface: topology.uplink.name }], ['icmp'], () =>
        expectReachability(guide, [{ probe: ping(ns.name, internet.publicHost), expect: 'timeout' }]),
      );
      const onUplink = packets[`host/${topology.uplink.name}`];
      expect(echoRequests(onUplink).map((p) => [p.src, p.dst])).toEqual([[addressOf(ns.address), internet.publicHost]]);
      expect(echoReplies(onUplink)).toEqual([]);
      // why: the internet has no route to the private network, as the real one has none
      expect(await routeGet(host, internet.namespace, addressOf(ns.address))).toEqual({
        ok: false,
        error: 'Network is unreachable',
      });
    },
  );

  test('with MASQUERADE, replies come back, and the internet sees 172.31.8.154, never 192.168.0.2', async ({
    guide,
  }) => {
    const { topology, host, iptables } = guide;
    const ns = topology.namespaces[0]!;
    const { internet } = topology;
    await runStep(guide, addMasquerade(topology));

    const { packets } = await watch(guide, [{ ns: internet.namespace, iface: internet.link }], ['icmp'], () =>
      expectReachability(guide, [{ probe: ping(ns.name, internet.publicHost), expect: 'reachable' }]),
    );
    const atInternet = packets[`${internet.namespace}/${internet.link}`];
    expect(echoRequests(atInternet).map((p) => p.src)).toEqual([addressOf(topology.uplink.address)]);
    expect(echoReplies(atInternet).map((p) => p.dst)).toEqual([addressOf(topology.uplink.address)]);
    expect(
      await rulePackets(host, { iptables, table: 'nat', chain: 'POSTROUTING', rule: masqueradeRule(topology) }),
    ).toBeGreaterThanOrEqual(1);
  });

  test('the final state has property 3-egress, judged as every implementation is', async ({
    guide,
    expectGuideProperty,
  }) => {
    await expectGuideProperty('3-egress', [guide.topology.namespaces[0]!]);
  });

  test('its IPv6 twin: in dual stack the same steps built IPv6 too, and the state has 3-egress in IPv6', async ({
    guide,
    expectGuideProperty,
  }) => {
    await expectGuideProperty('3-egress', [guide.topology.namespaces[0]!], 'ipv6');
  });
});
