// lxc-net judged for real and broken on purpose: its MASQUERADE rule deleted after it starts fails 3-egress, named
// by the missing rule, and nothing else; as the twin, the same lxc-net untouched passes all it is judged on, and
// stopping it leaves nothing but forwarding and dnsmasq's lease file. Container hosts only (lxc-net's own image).
import { describe, expect, inject, test } from 'vitest';
import { expectCleanRemoval } from '../fixtures/expect-lifecycle.ts';
import { ensureImage } from '../src/hosts/host-image.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { readImplementation } from '../src/implementations/registry.ts';
import { propertyOf } from '../src/report/rows-table.ts';
import { buildImplementation, hostOf } from '../src/run/build.ts';
import { failedOf, judgeAll } from '../src/run/judge.ts';

const outer = inject('harness');
const MASQUERADE = [
  '-t',
  'nat',
  '-D',
  'POSTROUTING',
  '-s',
  '10.0.3.0/24',
  '!',
  '-d',
  '10.0.3.0/24',
  '-j',
  'MASQUERADE',
];

describe.skipIf(outer.backend !== 'container')('lxc-net broken on purpose (it runs in container hosts)', () => {
  test('without its MASQUERADE only 3-egress fails, naming it; untouched, it passes and stops clean', async () => {
    const ref = readImplementation('lxc-5.0');
    const images = { ...outer.images, [ref.host!.recipe.name]: (await ensureImage(ref.host!.recipe)).tag };
    const harness = { ...outer, images, families: ['ipv4' as const] };
    const cell = { implementation: ref, firewall: 'iptables-nft' as const, title: ref.id };
    const built = await buildImplementation(cell, harness, loadTopology(harness.topologyPath));
    try {
      if (built.state !== 'built') throw new Error(`${ref.id} did not build: ${built.reason}`);
      const judgedRows = async () => (await judgeAll(built.judged)).flatMap(({ judgements }) => judgements);
      expect(failedOf(await judgedRows()).map((judgement) => judgement.row.why)).toEqual([]);
      await built.judged.host.exec(['iptables-nft', ...MASQUERADE]);
      const failed = failedOf(await judgedRows());
      expect([...new Set(failed.map((judgement) => propertyOf(judgement.row)))]).toEqual(['3-egress']);
      for (const { row } of failed) expect(row.why).toMatch(/no MASQUERADE or SNAT rule in nat POSTROUTING/);
      await built.judged.host.exec(['iptables-nft', ...MASQUERADE.map((word) => (word === '-D' ? '-A' : word))]);
      const { implementation, judged, stateBefore } = built;
      await expectCleanRemoval(ref.id, implementation, judged.host, judged.firewall, stateBefore!);
    } finally {
      await hostOf(built).stop();
    }
  }, 600_000);
});
