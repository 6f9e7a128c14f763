// Each probe outcome is produced for real and classified for the right reason: a suite that expects
// "timeout" must not pass on a refusal, and "reachable" must not pass on a probe that could not run.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host] eth0 172.31.8.154 --- [internet] 172.31.0.1, 8.8.8.8
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { watch } from '../fixtures/watch.ts';
import { echoRequests } from '../src/evidence/capture.ts';
import { http, ping, probe, tcp } from '../src/probes/probe.ts';
import { runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

describe('probe outcomes', () => {
  test('reachable: a ping reports the round trip and a command that reproduces it', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    const bridgeIp = addressOf(topology.bridge.address);

    const pinged = await probe(host, ping(ns.name, bridgeIp));
    expect(pinged.outcome).toMatchObject({ kind: 'reachable', rttMs: expect.any(Number) });
    // a probe reports the command that reproduces it on this machine
    expect(pinged.reproduce).toContain(`ip netns exec ${ns.name} ping -n -c 1 -W 2 ${bridgeIp}`);
  });

  test('network-unreachable: locally without a route, and by ICMP from a router that has none', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    expect((await probe(host, ping(ns.name, topology.internet.publicHost))).outcome).toEqual({
      kind: 'network-unreachable',
      detail: 'no route',
    });
    expect((await probe(host, tcp(ns.name, topology.internet.publicHost, 80))).outcome).toMatchObject({
      kind: 'network-unreachable',
      detail: 'ENETUNREACH',
    });
    // the host routes 10.99.0.1 to the internet, which answers net-unreachable
    expect((await probe(host, ping(undefined, '10.99.0.1'))).outcome).toEqual({
      kind: 'network-unreachable',
      from: topology.uplink.gateway,
    });
  });

  test('refused: nothing listens on the port', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const bridgeIp = addressOf(topology.bridge.address);
    expect((await probe(host, tcp(ns.name, bridgeIp, 5999))).outcome).toMatchObject({ kind: 'refused' });
    expect((await probe(host, http(ns.name, bridgeIp, 5999))).outcome).toMatchObject({ kind: 'refused' });
  });

  test('host-unreachable: nobody answers ARP for an on-link address', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    // ARP gives up after ~3 s: the probe must wait longer than that to see the reason instead of a timeout
    const outcome = (await probe(host, ping(ns.name, '192.168.77.77', { timeoutMs: 5_000 }))).outcome;
    expect(outcome).toEqual({ kind: 'host-unreachable', from: addressOf(ns.address) });
  });

  test('timeout and filtered: a DROP rule swallows the request, a REJECT with admin-prohibited answers it', async ({
    guide,
  }) => {
    const { topology, host, iptables } = guide;
    const { internet } = topology;
    await host.exec([iptables, '-A', 'INPUT', '-p', 'icmp', '-d', internet.publicHost, '-j', 'DROP'], {
      ns: internet.namespace,
    });
    expect((await probe(host, ping(undefined, internet.publicHost))).outcome).toEqual({
      kind: 'timeout',
      detail: 'no echo reply',
    });
    expect((await probe(host, tcp(undefined, internet.publicHost, 80, { timeoutMs: 1_000 }))).outcome).toMatchObject({
      kind: 'refused',
    });

    const adminProhibited = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'];
    const toPublicHost = ['-p', 'icmp', '-d', internet.publicHost];
    await host.exec([iptables, '-I', 'INPUT', ...toPublicHost, ...adminProhibited], { ns: internet.namespace });
    expect((await probe(host, ping(undefined, internet.publicHost))).outcome).toEqual({
      kind: 'filtered',
      from: internet.publicHost,
    });
    // TCP cannot tell a firewall's ICMP from a dead host: the kernel reports admin-prohibited as EHOSTUNREACH
    await host.exec(
      [iptables, '-A', 'INPUT', '-p', 'tcp', '--dport', '81', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
      { ns: internet.namespace },
    );
    expect((await probe(host, tcp(undefined, internet.publicHost, 81))).outcome).toEqual({
      kind: 'host-unreachable',
      detail: 'EHOSTUNREACH',
    });
  });

  test('a chosen source address is what the far side sees', async ({ guide }) => {
    const { topology } = guide;
    const { internet } = topology;
    const { packets } = await watch(guide, [{ ns: internet.namespace, iface: internet.link }], ['icmp'], () =>
      probe(guide.host, ping(undefined, internet.outsideClient, { source: addressOf(topology.bridge.address) })),
    );
    // sent from br0's address, which the internet cannot answer: the request shows that source, and no reply
    expect(echoRequests(packets[`${internet.namespace}/${internet.link}`]).map((p) => p.src)).toEqual([
      addressOf(topology.bridge.address),
    ]);
  });

  test('a probe that cannot run is an error, never an expected outcome', async ({ guide }) => {
    const outcome = (await probe(guide.host, ping(undefined, '192.168.0.1', { source: '203.0.113.9' }))).outcome;
    expect(outcome.kind).toBe('error');
  });
});
