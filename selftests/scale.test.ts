// Scale: a bridge takes 1,023 ports and the next fails with "Exchange full", so a generated topology shards its
// workloads over bridges; a few hundred workloads built in batches, on three shards, pass all four properties
// judged by the batch prober, and when one workload's cable is cut, exactly its probes fail (it can say no).
import { describe, expect, inject, test } from 'vitest';
import { startHarnessHost } from '../src/run/run-host.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { BRIDGE_PORTS, scaleImplementation, scaleWorkload, shardBridges } from '../src/implementations/scale.ts';
import { allJudgements } from '../src/properties/judge-properties.ts';
import type { Firewall } from '../src/net/firewall.ts';
import { resultCell } from '../src/results/row.ts';
import { worldOnly } from '../src/world/world.ts';
import { setUpIn } from '../src/run/build.ts';
import { judgeAll } from '../src/run/judge.ts';

/** its waits and commands have deadlines of their own, paced to the machine's load: this only catches a hang */
const HANG_BACKSTOP_MS = 15 * 60_000;

describe.concurrent('scale', () => {
  test(
    `a bridge takes ${BRIDGE_PORTS} ports; the next one fails with "Exchange full"`,
    async () => {
      const host = await startHarnessHost(inject('harness'));
      try {
        const lines = ['link add big type bridge'];
        for (let port = 1; port <= BRIDGE_PORTS + 1; port++)
          lines.push(`link add p${port} type veth peer name q${port}`, `link set p${port} master big`);
        const built = await host.exec(['ip', '-batch', '-'], {
          stdin: `${lines.join('\n')}\n`,
          expectExit: 'any',
          timeoutMs: 120_000,
        });
        expect(built.exitCode).not.toBe(0);
        expect(built.stderr).toMatch(/Exchange full/);
        expect(built.stderr).toContain(`Command failed -:${lines.length}`); // the 1,024th master, the batch's last line
        const ports = await host.exec(['ip', '-o', 'link', 'show', 'master', 'big']);
        expect(ports.stdout.trim().split('\n')).toHaveLength(BRIDGE_PORTS);
      } finally {
        await host.stop();
      }
    },
    HANG_BACKSTOP_MS,
  );

  test('workloads are sharded so that no bridge has more ports than it takes', () => {
    for (const workloads of [1, 1022, 1023, 1024, 3000]) {
      const bridgeOf = shardBridges(workloads);
      const bridges = Math.max(...bridgeOf) + 1;
      // bridge 0 also holds a link to each other bridge; each other bridge holds its link to bridge 0
      const ports = Array.from(
        { length: bridges },
        (_, bridge) => bridgeOf.filter((b) => b === bridge).length + (bridge === 0 ? bridges - 1 : 1),
      );
      expect(Math.max(...ports), `${workloads} workloads`).toBeLessThanOrEqual(BRIDGE_PORTS);
      expect(bridgeOf).toHaveLength(workloads);
    }
    expect(Math.max(...shardBridges(1023))).toBe(0);
    expect(Math.max(...shardBridges(1024))).toBe(1);
  });

  test(
    '300 workloads on three bridges of 128 ports pass all four properties; with one cable cut, exactly its probes fail',
    async () => {
      const harness = inject('harness');
      const world = worldOnly(loadTopology(harness.topologyPath));
      const host = await startHarnessHost(harness);
      try {
        const firewall: Firewall = 'iptables-nft';
        const implementation = scaleImplementation('scale:300', 128);
        const { roles } = await setUpIn(host, implementation, world, firewall);
        expect(
          (await host.exec(['ip', '-o', 'link', 'show', 'type', 'bridge'])).stdout.trim().split('\n'),
        ).toHaveLength(3);
        const cell = resultCell(implementation.id, { host: harness.backend, firewall });
        // judged as every run judges, without diagnosis: the cut cable's failures are asserted by their count
        const judged = { host, roles, world, cell, firewall };
        const judgeRows = async () =>
          allJudgements(await judgeAll(judged, { diagnose: false })).map((judgement) => judgement.row);
        const healthy = await judgeRows();
        expect(healthy.length).toBeGreaterThan(2_000);
        expect(healthy.filter((row) => row.verdict === 'fail')).toEqual([]);

        const cut = scaleWorkload(200); // w201, on the second shard
        await host.exec(['ip', 'link', 'set', cut.link, 'down']);
        const failed = (await judgeRows()).filter((row) => row.verdict === 'fail');
        expect(failed.length).toBeGreaterThan(0);
        for (const row of failed)
          expect(`${row.probe}: ${row.observed}`).toMatch(
            new RegExp(`(${cut.netns} →|→ ${cut.address.replaceAll('.', '\\.')}\\b).*: timeout`),
          );
        // w201's own probes in every property it takes part in, and the pings to it from the host and from w200
        expect(new Set(failed.map((row) => row.property))).toEqual(new Set(['1-bridge', '2-host', '3-egress']));
      } finally {
        await host.stop();
      }
    },
    HANG_BACKSTOP_MS,
  );
});
