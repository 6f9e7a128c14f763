// Why a failed ARP resolution is heard as an event and not read afterwards: once the machine holds more neighbour
// entries than gc_thresh1, over every namespace (a scale test beside this one is enough), the kernel's periodic
// neighbour GC deletes FAILED entries. This produces that on purpose and shows the event still says FAILED.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host]      192.168.77.77: nobody
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { announcedNeighbourState, neighbourMonitor, neighbourState } from '../src/evidence/links.ts';
import { ping, probe } from '../src/probes/probe.ts';
import { runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

const NOBODY = '192.168.77.77';
/** an entry that only this file's monitor self-test adds */
const CANARY = '192.168.77.78';
const CANARY_MAC = '02:00:00:00:00:77';
/** only the root namespace shows the threshold; above this many, filling the table would cost too much */
const GC_THRESH1 = '/proc/sys/net/ipv4/neigh/default/gc_thresh1';
const MOST_FILLER = 1_000;

describe('neighbour events', () => {
  test('an address that answers ARP is heard as REACHABLE', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    const bridgeIp = addressOf(topology.bridge.address);
    const { state } = await announcedNeighbourState(host, ns.name, bridgeIp, () =>
      probe(host, ping(ns.name, bridgeIp)),
    );
    expect(state).toEqual(['REACHABLE']);
  });

  test('its twin: a FAILED entry the GC deletes is still heard as FAILED', async ({ guide, skip }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const threshold = Number(readFileSync(GC_THRESH1, 'utf8'));
    if (threshold > MOST_FILLER) return skip(`gc_thresh1 is ${threshold}: filling the table past it is too slow`);
    // permanent entries for addresses nobody probes lift the machine's count past the threshold
    const filler = Array.from({ length: threshold + 12 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    const batch = filler.map((address) => `neigh add ${address} dev ${ns.link} lladdr 02:00:00:00:00:01 nud permanent`);
    await host.exec(['ip', '-batch', '-'], { ns: ns.name, stdin: `${batch.join('\n')}\n` });

    const deletions = await neighbourMonitor(host, ns.name);
    const { state } = await announcedNeighbourState(host, ns.name, NOBODY, () => probe(host, ping(ns.name, NOBODY)));
    expect(state).toEqual(['FAILED']);
    // the GC runs every base_reachable_time / 2 (15 s) and deletes it; read afterwards, there is nothing left
    await deletions.waitForStdout(`Deleted ${NOBODY} dev`, `the neighbour GC to delete ${NOBODY}`, 40);
    await deletions.stop();
    expect(await neighbourState(host, ns.name, NOBODY)).toEqual([]);
  });

  // `ip monitor neigh` joins the group and then dumps the links on that socket, dropping what arrives meanwhile: on
  // a busy machine a ping's REACHABLE was lost there and the entry's later STALE heard first. This monitor dumps
  // nothing, so an event that comes before it reads, here while it is stopped, is still printed.
  test('hears an event that comes while it is not yet reading', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const monitor = await neighbourMonitor(host, ns.name);
    try {
      await host.exec(['kill', '-STOP', String(monitor.pid)]);
      await host.exec(['ip', 'neigh', 'add', CANARY, 'dev', ns.link, 'lladdr', CANARY_MAC, 'nud', 'permanent'], {
        ns: ns.name,
      });
      await host.exec(['kill', '-CONT', String(monitor.pid)]);
      await monitor.waitForStdout(`${CANARY} dev`, `the neighbour monitor to print ${CANARY}`);
      expect((await monitor.stop()).stdout).toContain(`${CANARY} dev ${ns.link} lladdr ${CANARY_MAC} PERMANENT`);
    } finally {
      await monitor.stop();
      await host.exec(['ip', 'neigh', 'del', CANARY, 'dev', ns.link], { ns: ns.name, expectExit: 'any' });
    }
  });
});
