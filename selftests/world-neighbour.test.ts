// The world's LAN neighbour is a machine on the host's uplink network in both families: the host finds it on-link
// (ARP, neighbour discovery), so what the host sends it (a reply, a refusal) arrives. In IPv6 its address has to
// be on the internet's LAN link: neighbour discovery answers only for an address of the link it is asked on, and
// with the address on lo every answer the host sent the neighbour was lost (Docker's direct-routing paths timed out).
//
//   [host] eth0 172.31.8.154, 2001:db8:31::8:154 --- isp0 [internet] neighbour 172.31.0.9, 2001:db8:31::9
import { describe, expect, inject, test } from 'vitest';
import { announcedNeighbourState } from '../src/evidence/links.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { ping, probe } from '../src/probes/probe.ts';
import { startHarnessHost } from '../src/run/run-host.ts';
import { buildSimulatedInternet } from '../src/world/simulated-internet.ts';

describe("the world's LAN neighbour", () => {
  test('the host reaches it on-link in both families; its twin: on lo, the host never finds it', async () => {
    const world = { ...loadTopology(), families: ['ipv4', 'ipv6'] as const };
    const { internet, uplink, ipv6 } = world;
    const host = await startHarnessHost(inject('harness'));
    try {
      await buildSimulatedInternet(host, world);
      for (const address of [internet.neighbour, ipv6.neighbour])
        expect((await probe(host, ping(undefined, address))).outcome.kind, `ping ${address}`).toBe('reachable');

      // the address where it used to be: the host asks on eth0, nobody answers, and its entry fails
      const onLink = ['addr', 'del', `${ipv6.neighbour}/128`, 'dev', internet.link];
      await host.exec(['ip', '-n', internet.namespace, ...onLink]);
      await host.exec(['ip', '-n', internet.namespace, 'addr', 'add', `${ipv6.neighbour}/128`, 'dev', 'lo']);
      await host.exec(['ip', 'neigh', 'flush', 'dev', uplink.name]);
      const { result, state } = await announcedNeighbourState(host, undefined, ipv6.neighbour, () =>
        probe(host, ping(undefined, ipv6.neighbour)),
      );
      expect(result.outcome.kind).toBe('timeout');
      expect(state).toEqual(['FAILED']);
    } finally {
      await host.stop();
    }
  });
});
