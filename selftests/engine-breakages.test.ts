// The engines judged for real in container hosts of their own, each broken once on purpose after it started, as
// another program on the host would break it: only the properties that breakage breaks fail, each failed check
// naming the cause (or, for a negative, that no rule dropped it any more). As the twin, the same engine untouched
// passes everything it is judged on first; and lxc-net, its rule put back, still stops clean. And Docker's
// restart: a dockerd that comes back as it was passes 9-lifecycle, one after whose restart forwarding is off fails
// it. Container hosts only (each engine's own image).
import { describe, expect, inject, test } from 'vitest';
import { expectAfterRestart, expectCleanRemoval } from '../fixtures/expect-lifecycle.ts';
import type { Host } from '../src/hosts/host.ts';
import type { ResultRow } from '../src/results/row.ts';
import type { World } from '../src/world/world.ts';
import { ensureImage } from '../src/hosts/host-image.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { readImplementation } from '../src/implementations/registry.ts';
import type { PropertyId } from '../src/properties/properties.ts';
import { propertyOf } from '../src/report/rows-table.ts';
import { buildImplementation, hostOf } from '../src/run/build.ts';
import { failedOf, judgeAll } from '../src/run/judge.ts';

const outer = inject('harness');
const MASQUERADE = ['-t', 'nat', 'POSTROUTING', '-s', '10.0.3.0/24', '!', '-d', '10.0.3.0/24', '-j', 'MASQUERADE'];

interface Breakage {
  id: string;
  /** what another program does on the host after the engine started */
  breaks: string[];
  fails: PropertyId[];
  why: RegExp;
  /** puts it back, for a removal that must still leave the host clean */
  mends?: string[];
}

const BREAKAGES: Record<string, Breakage> = {
  "lxc-net's MASQUERADE deleted after it starts": {
    id: 'lxc-5.0',
    breaks: ['iptables-nft', ...MASQUERADE.toSpliced(2, 0, '-D')],
    fails: ['3-egress'],
    why: /no MASQUERADE or SNAT rule in nat POSTROUTING/,
    mends: ['iptables-nft', ...MASQUERADE.toSpliced(2, 0, '-A')],
  },
  // what Docker's documentation offers its users' own rules; at the top, it accepts what Docker's isolation drops
  "an ACCEPT for everything at the top of Docker's DOCKER-USER": {
    id: 'docker-28.5',
    breaks: ['iptables-nft', '-I', 'DOCKER-USER', '-j', 'ACCEPT'],
    // with icc off, the two workloads reach each other; the LAN neighbour's ping now reaches an internal
    // workload, which has no route to answer it: still no answer, but nothing of the cell dropped it
    fails: ['5-isolation', '6-internal'],
    why: /got through, but must not: .*inter-workload traffic is off|no rule or policy of iptables-nft counted its/,
  },
  "Podman's host forwarding turned off after its containers start": {
    id: 'podman-5.4',
    breaks: ['sysctl', '-qw', 'net.ipv4.ip_forward=0'],
    // 5: the isolated network's containers no longer reach the internet; 6: the LAN neighbour's ping no longer
    // reaches an internal container, which netavark does not stop (the known fault fails for the right reason)
    fails: ['3-egress', '4-inbound', '5-isolation', '6-internal', '7-hairpin', '8-udp'],
    why: /forwarding is off in the host \(net\.ipv4\.ip_forward=0\)/,
  },
};

describe.skipIf(outer.backend !== 'container')('engines broken on purpose (they run in container hosts)', () => {
  test.each(Object.entries(BREAKAGES))(
    '%s',
    async (_, { id, breaks, fails, why, mends }) => {
      const ref = readImplementation(id);
      const images = { ...outer.images, [ref.host!.recipe.name]: (await ensureImage(ref.host!.recipe)).tag };
      // removal is judged after a mend, whatever NETNS_PROPERTIES says
      const harness = { ...outer, images, families: ['ipv4' as const], lifecycle: true };
      const cell = { implementation: ref, firewall: 'iptables-nft' as const, title: id };
      const built = await buildImplementation(cell, harness, loadTopology(harness.topologyPath));
      try {
        if (built.state !== 'built') throw new Error(`${id} did not build: ${built.reason}`);
        const failed = async () => failedOf((await judgeAll(built.judged)).flatMap(({ judgements }) => judgements));
        expect((await failed()).map(({ row }) => row.why)).toEqual([]);
        await built.judged.host.exec(breaks);
        const broken = await failed();
        expect([...new Set(broken.map(({ row }) => propertyOf(row)))]).toEqual(fails);
        for (const { row } of broken) expect(row.why).toMatch(why);
        if (!mends) return;
        await built.judged.host.exec(mends);
        const { implementation, judged, stateBefore } = built;
        await expectCleanRemoval(implementation, judged, stateBefore!, () => {});
      } finally {
        await hostOf(built).stop();
      }
    },
    600_000,
  );

  // 9-lifecycle's restart half: a dockerd that comes back as it was passes; one after whose restart forwarding is
  // off (as a host's network service may leave it) fails there, in that family, with the cause
  test('a restart after which forwarding is off fails 9-lifecycle, naming the sysctl', async () => {
    const ref = readImplementation('docker-28.5');
    const images = { ...outer.images, [ref.host!.recipe.name]: (await ensureImage(ref.host!.recipe)).tag };
    const harness = { ...outer, images, families: ['ipv4' as const] };
    const cell = { implementation: ref, firewall: 'iptables-nft' as const, title: ref.id };
    const built = await buildImplementation(cell, harness, loadTopology(harness.topologyPath));
    try {
      if (built.state !== 'built') throw new Error(`${ref.id} did not build: ${built.reason}`);
      const { implementation, judged } = built;
      const rows: ResultRow[] = [];
      const record = (recorded: ResultRow[]) => rows.push(...recorded);
      await expectAfterRestart(implementation, judged, harness.properties, record);
      expect(rows).toMatchObject([{ property: '9-lifecycle', family: 'ipv4', verdict: 'pass' }]);
      const { how, run } = implementation.restart!;
      const forwardingOff = async (host: Host, world: World) => {
        const roles = await run(host, world);
        await host.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
        return roles;
      };
      const broken = { ...implementation, restart: { how, run: forwardingOff } };
      await expect(expectAfterRestart(broken, judged, harness.properties, record)).rejects.toThrow(
        /after its daemon restarted/,
      );
      expect(rows[1]).toMatchObject({
        property: '9-lifecycle',
        family: 'ipv4',
        verdict: 'fail',
        why: expect.stringMatching(/^after the restart, .*forwarding is off in the host \(net\.ipv4\.ip_forward=0\)/),
      });
    } finally {
      await hostOf(built).stop();
    }
  }, 600_000);
});
