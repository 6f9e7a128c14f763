// Why a failed ARP resolution is heard as an event and not read afterwards: once the machine holds more neighbour
// entries than gc_thresh1, over every namespace (a scale test beside this one is enough), the kernel's periodic
// neighbour GC deletes FAILED entries. This produces that on purpose and shows the event still says FAILED.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host]      192.168.77.77: nobody
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { announcedNeighbourState, neighbourState } from '../src/evidence/links.ts';
import { ping, probe } from '../src/probes/probe.ts';
import { runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

const NOBODY = '192.168.77.77';
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

    const deletions = await host.spawn(['ip', 'monitor', 'neigh'], { ns: ns.name });
    await deletions.waitForNetlinkSubscription(`ip monitor neigh in ${ns.name}`);
    const { state } = await announcedNeighbourState(host, ns.name, NOBODY, () => probe(host, ping(ns.name, NOBODY)));
    expect(state).toEqual(['FAILED']);
    // the GC runs every base_reachable_time / 2 (15 s) and deletes it; read afterwards, there is nothing left
    await deletions.waitForStdout(`Deleted ${NOBODY} dev`, `the neighbour GC to delete ${NOBODY}`, 40);
    await deletions.stop();
    expect(await neighbourState(host, ns.name, NOBODY)).toEqual([]);
  });
});
