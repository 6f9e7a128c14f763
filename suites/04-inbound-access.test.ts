// Scenario 4 — access to the namespace from outside, through DNAT (docs/scenarios.md).
//
//   [internet] 198.51.100.7 (outside client) --- eth0 172.31.8.154 [host] br0 --- [netns1] 192.168.0.2:5000 server
// Before DNAT the host has nothing on 172.31.8.154:5000; after it, the client reaches the server, which sees the
// client's own address (DNAT rewrites the destination only).
import { describe, expect } from 'vitest';
import { expectReachability } from '../fixtures/expect-reachability.ts';
import { test } from '../fixtures/guide-test.ts';
import { addDnat, dnatRule, startHttpServer } from '../src/implementations/guide/steps/inbound-access.ts';
import { addMasquerade, ipForwardOn } from '../src/implementations/guide/steps/internet-egress.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { addDefaultRoute } from '../src/implementations/guide/steps/namespace-to-root.ts';
import type { BackgroundProcess } from '../src/hosts/background.ts';
import { rulePackets } from '../src/evidence/counters.ts';
import { http, tcp } from '../src/probes/probe.ts';
import { peersSeen } from '../src/probes/responder.ts';
import { runStep, runSteps } from '../fixtures/guide-steps.ts';
import { addressOf, namespaceOf } from '../src/implementations/guide/topology.ts';

/** The guide's server, started by the first step; the host stops it with everything else. */
let server: BackgroundProcess | undefined;

/** Who the server saw, one address per connection. */
/** whom the server saw; with `atLeast`, once it has accepted that many connections */
const clientsSeenByServer = (atLeast = 0) => peersSeen(server!, atLeast);

describe('Scenario 4: access to the namespace from outside', () => {
  test(
    'given scenarios 1 to 3, the HTTP server in netns1 on 192.168.0.2:5000 answers the host ' +
      '(curl and a TCP connect)',
    async ({ guide }) => {
      const { topology } = guide;
      const ns = namespaceOf(topology, topology.server.namespace);
      await runSteps(guide, [
        addBridge(topology),
        ...cableNamespace(ns, topology),
        addDefaultRoute(ns, topology),
        ipForwardOn,
        addMasquerade(topology),
      ]);
      const { port } = topology.server;
      // before the server: netns1 itself answers the connection with a reset
      await expectReachability(guide, [{ probe: tcp(undefined, addressOf(ns.address), port), expect: 'refused' }]);
      server = await runStep(guide, startHttpServer(topology));
      const before = (await clientsSeenByServer()).length;

      await expectReachability(guide, [
        { probe: http(undefined, addressOf(ns.address), port), expect: 'reachable' },
        { probe: tcp(undefined, addressOf(ns.address), port), expect: 'reachable' },
      ]);
      // the host's own connections leave from br0's address, the one on the namespace's network
      expect((await clientsSeenByServer(before + 2)).slice(before)).toEqual([
        addressOf(topology.bridge.address),
        addressOf(topology.bridge.address),
      ]);
    },
  );

  test('before DNAT, the outside client cannot reach 172.31.8.154:5000: the host refuses it', async ({ guide }) => {
    const { topology, host, iptables } = guide;
    const {
      internet,
      server: { port },
    } = topology;
    const publicIp = addressOf(topology.uplink.address);

    await expectReachability(guide, [
      { probe: http(internet.namespace, publicIp, port, { source: internet.outsideClient }), expect: 'refused' },
      { probe: tcp(internet.namespace, publicIp, port, { source: internet.outsideClient }), expect: 'refused' },
    ]);
    // the refusal is the host's own (nothing listens on eth0:5000): the server never saw the client
    expect(await clientsSeenByServer()).not.toContain(internet.outsideClient);
    expect(
      await rulePackets(host, { iptables, table: 'nat', chain: 'PREROUTING', rule: dnatRule(topology) }),
    ).toBeUndefined();
  });

  test("with DNAT, the outside client reaches the server, which sees the client's own 198.51.100.7", async ({
    guide,
  }) => {
    const { topology, host, iptables } = guide;
    const {
      internet,
      server: { port },
    } = topology;
    const publicIp = addressOf(topology.uplink.address);
    await runStep(guide, addDnat(topology));
    const before = (await clientsSeenByServer()).length;

    await expectReachability(guide, [
      { probe: http(internet.namespace, publicIp, port, { source: internet.outsideClient }), expect: 'reachable' },
      { probe: tcp(internet.namespace, publicIp, port, { source: internet.outsideClient }), expect: 'reachable' },
    ]);
    expect((await clientsSeenByServer(before + 2)).slice(before)).toEqual([
      internet.outsideClient,
      internet.outsideClient,
    ]);
    expect(
      await rulePackets(host, { iptables, table: 'nat', chain: 'PREROUTING', rule: dnatRule(topology) }),
    ).toBeGreaterThanOrEqual(2);
  });

  test('the final state has property 4-inbound, judged as every implementation is', async ({
    guide,
    expectGuideProperty,
  }) => {
    // the judge runs its own responder behind the published port: the walkthrough's server makes way for it
    await server!.stop();
    await expectGuideProperty('4-inbound', [namespaceOf(guide.topology, guide.topology.server.namespace)]);
  });

  test('its IPv6 twin: in dual stack the same steps built IPv6 too, and the state has 4-inbound in IPv6', async ({
    guide,
    expectGuideProperty,
  }) => {
    const server = namespaceOf(guide.topology, guide.topology.server.namespace);
    await expectGuideProperty('4-inbound', [server], 'ipv6');
  });
});
