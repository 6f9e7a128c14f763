// The property tables are judged by the batch prober (src/probes/batch-prober.py): it must tell each outcome as
// the one-command probes do (selftests/probe-outcomes.test.ts, case by case), for the same reason, and the servers
// it keeps must see who connected. A file of its own, so its host is fresh, and the batch goes first: the kernel
// rate-limits the ICMP errors a namespace sends to one peer (measured here: after two or three within a second, the
// next ones are not sent), so running the one-command probes first would turn the batch's into timeouts.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host] eth0 172.31.8.154 --- [internet] 172.31.0.1, 8.8.8.8
import { describe, expect, inject, test as plainTest } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { startHarnessHost } from '../fixtures/harness-host.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { probeBatch, startProberAhead } from '../src/probes/batch.ts';
import type { Outcome } from '../src/probes/outcome.ts';
import { http, ping, tcp } from '../src/probes/probe.ts';
import { runSteps } from '../src/report/run-step.ts';
import { buildSimulatedInternet } from '../src/world/simulated-internet.ts';

const kindAndFrom = ({ kind, ...rest }: Outcome) => ({ kind, from: 'from' in rest ? rest.from : undefined });

describe('the batch prober', () => {
  test('gives each outcome the one-command probes give, its servers see the sender, and each probe waits its own deadline', async ({ guide }) => {
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

    // Each probe waits its own deadline from the moment it leaves, also one that leaves late: connections go 64
    // at a time, so of 130 silent ones the last leave two deadlines after the first (a batch-wide deadline once
    // called those timeouts without sending them)
    await host.exec([iptables, '-A', 'INPUT', '-p', 'tcp', '--dport', '82', '-j', 'DROP'], { ns: internet.namespace });
    const deadlineMs = 300;
    const silent = await probeBatch(host, Array.from({ length: 130 }, () => tcp(undefined, internet.publicHost, 82)), [], deadlineMs);
    expect(new Set(silent.map((result) => result.outcome.kind))).toEqual(new Set(['timeout']));
    expect(Math.min(...silent.map((result) => result.decidedMs))).toBeGreaterThanOrEqual(deadlineMs);
    expect(silent.at(-1)!.command.durationMs).toBeGreaterThanOrEqual(3 * deadlineMs);
  });

  // An implementation's build runs while the prober that will judge it starts (fixtures/built-implementation.ts)
  plainTest('started ahead, it waits for its probes without a packet; unused, it ends with its host', async () => {
    const topology = loadTopology();
    const host = await startHarnessHost(inject('harness'));
    const probers = () => host.log.filter((command) => command.display.includes('batch-prober.py'));
    try {
      startProberAhead(host);
      await buildSimulatedInternet(host, topology);
      const [reached] = await probeBatch(host, [ping(undefined, topology.uplink.gateway)]);
      expect(reached!.outcome.kind).toBe('reachable');
      // the one started ahead judged it: no second prober ran
      expect(probers().map((command) => command.display)).toEqual([expect.stringContaining('started ahead')]);
      startProberAhead(host);
    } finally {
      await host.stop();
    }
    // the second was never given probes: the host's stop ended it by an empty input (exit 0, nothing probed),
    // before the sandbox went, rather than leaving it to be killed
    expect(probers()).toHaveLength(2);
    expect(probers()[1]).toMatchObject({ exitCode: 0, stdout: '' });
  });
});
