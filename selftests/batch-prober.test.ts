// The property tables are judged by the batch prober (src/probes/batch-prober.py): it must tell each outcome as
// the one-command probes do (selftests/probe-outcomes.test.ts, case by case), for the same reason, and the servers
// it keeps must see who connected. A file of its own, so its host is fresh, and the batch goes first: the kernel
// rate-limits the ICMP errors a namespace sends to one peer (measured here: after two or three within a second, the
// next ones are not sent), so running the one-command probes first would turn the batch's into timeouts.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host] eth0 172.31.8.154 --- [internet] 172.31.0.1, 8.8.8.8
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';
import { probeBatch } from '../src/probes/batch.ts';
import type { Outcome } from '../src/probes/outcome.ts';
import { http, ping, tcp } from '../src/probes/probe.ts';
import { runSteps } from '../src/report/run-step.ts';

const kindAndFrom = ({ kind, ...rest }: Outcome) => ({ kind, from: 'from' in rest ? rest.from : undefined });

describe('the batch prober', () => {
  test('gives each outcome the one-command probes give, and its servers see the sender', async ({ guide }) => {
    const { topology, host, iptables } = guide;
    const { internet } = topology;
    const ns = topology.namespaces[0]!;
    const bridgeIp = addressOf(topology.bridge.address);
    // netns1 on br0 without a default route; the internet rejects ICMP to 8.8.8.8 (admin-prohibited) and TCP to 81
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    await host.exec([iptables, '-A', 'INPUT', '-p', 'icmp', '-d', internet.publicHost, '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'], { ns: internet.namespace });
    await host.exec([iptables, '-A', 'INPUT', '-p', 'tcp', '--dport', '81', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'], { ns: internet.namespace });
    const specs = [
      ping(ns.name, bridgeIp),
      tcp(ns.name, bridgeIp, 5999),
      http(ns.name, bridgeIp, 5999),
      ping(ns.name, internet.publicHost),
      tcp(ns.name, internet.publicHost, 80),
      ping(undefined, '10.99.0.1'),
      ping(undefined, internet.publicHost),
      tcp(undefined, internet.publicHost, 81),
    ];
    const batched = (await probeBatch(host, specs)).map((result) => result.outcome);
    expect(batched.map(kindAndFrom)).toEqual([
      { kind: 'reachable', from: undefined },
      { kind: 'refused', from: undefined },
      { kind: 'refused', from: undefined },
      { kind: 'network-unreachable', from: undefined }, // no route in netns1: the kernel says so at once
      { kind: 'network-unreachable', from: undefined },
      { kind: 'network-unreachable', from: topology.uplink.gateway }, // the internet has no route: ICMP from it
      { kind: 'filtered', from: internet.publicHost },
      { kind: 'host-unreachable', from: undefined }, // TCP sees admin-prohibited as EHOSTUNREACH, as connect() does
    ]);

    const served = await probeBatch(host, [http(undefined, internet.publicHost, 8080), tcp(undefined, internet.publicHost, 8080)], [{ ns: internet.namespace, port: 8080 }]);
    expect(served.map((result) => result.outcome)).toMatchObject([{ kind: 'reachable', seenAs: addressOf(topology.uplink.address) }, { kind: 'reachable' }]);
  });
});
