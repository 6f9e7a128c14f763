// A CNI chain judged for real, broken on purpose: a conflist without ipMasq fails egress in both families, named
// by the one masquerade on the way out (portmap's, for marked packets only) that never matched; CHECK notices a
// rule its ADD made that another program took away; removal notices what was left behind and what was taken; and
// a flushed isolation chain lets the two networks reach each other, seen on the packets' path.
// Judged on netns hosts (they need root).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { expectCleanRemoval, expectSelfCheck } from '../fixtures/expect-lifecycle.ts';
import { machineAbilities } from '../src/harness/backend-choice.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { readImplementation } from '../src/implementations/registry.ts';
import type { ResultRow } from '../src/results/row.ts';
import { propertyOf } from '../src/report/rows-table.ts';
import { runTempDir } from '../src/run-temp.ts';
import { buildImplementation, hostOf } from '../src/run/build.ts';
import { failedOf, judgeAll, judgeImplementation } from '../src/run/judge.ts';

const EXAMPLE = resolve(import.meta.dirname, '../examples/cni/bridge.conflist');
const dir = runTempDir('netns-conformance-cni-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example conflist with its bridge plugin changed. */
function variant(name: string, bridge: Record<string, unknown>): string {
  const conflist = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { plugins: Array<Record<string, unknown>> };
  conflist.plugins = conflist.plugins.map((plugin) => (plugin.type === 'bridge' ? { ...plugin, ...bridge } : plugin));
  const path = join(dir, `${name}.conflist`);
  writeFileSync(path, JSON.stringify(conflist, null, 2));
  return path;
}

const root = (await machineAbilities()).root;
// removal is judged here whatever NETNS_PROPERTIES says
const harness = {
  ...inject('harness'),
  backend: 'netns' as const,
  families: ['ipv4' as const, 'ipv6' as const],
  lifecycle: true,
  foreignFirewall: false,
};
const topology = loadTopology(harness.topologyPath);
const cellOf = (id: string) => ({ implementation: readImplementation(id), firewall: harness.firewalls[0]!, title: id });

describe.skipIf(!root)('a CNI chain broken on purpose (netns hosts need root)', () => {
  // the network kept apart is built from the same chain: its workloads' egress (a part of 5) fails as well
  test('a conflist without ipMasq fails egress in 3 and 5, both families, naming the missing masquerade', async () => {
    const rows = await judgeImplementation(
      cellOf(`cni-1.9:${variant('no-ipmasq', { ipMasq: false })}`),
      harness,
      topology,
    );
    const failed = rows.filter((row) => row.verdict === 'fail');
    expect([...new Set(failed.map(propertyOf))]).toEqual([
      '3-egress',
      '3-egress in IPv6',
      '5-isolation',
      '5-isolation in IPv6',
    ]);
    for (const row of failed.filter((each) => each.property === '5-isolation'))
      expect(row.probe).toMatch(/→ 8\.8\.8\.8$|→ 2001:4860:4860::8888$/);
    // the only masquerade left on the way out is portmap's, which takes marked (hairpin) packets alone
    for (const row of failed)
      expect(row.why).toMatch(
        /^(ip6tables )?nat CNI-HOSTPORT-MASQ rule 1 "-m mark --mark 0x2000\/0x2000 -j MASQUERADE" never matched;/,
      );
  }, 300_000);

  test('CHECK sees a rule taken from under it; removal sees what is left and what is taken', async () => {
    const id = `cni-1.9:${EXAMPLE}`;
    const built = await buildImplementation(cellOf(id), harness, topology);
    try {
      if (built.state !== 'built') throw new Error(`${id} did not build: ${built.reason}`);
      const { implementation, judged, stateBefore } = built;
      const { host, world, roles } = judged;
      await expectSelfCheck(id, await implementation.selfCheck!(host)); // the twin: untouched, it agrees
      const webRule = ['CNI-FORWARD', '-s', `${roles.workloads[0]!.address}/32`, '-j', 'ACCEPT'];
      await host.exec(['iptables-nft', '-D', ...webRule]);
      await expect(expectSelfCheck(id, await implementation.selfCheck!(host))).rejects.toThrow(
        /CHECK disagrees with what its ADD made: web: firewall CHECK: /,
      );
      await host.exec(['iptables-nft', '-A', ...webRule]);
      await host.exec(['ip', 'link', 'add', 'stray0', 'type', 'bridge']);
      await host.exec(['ip', 'address', 'delete', world.uplink.address, 'dev', world.uplink.name]);
      const uplink = `address ${world.uplink.name} ${world.uplink.address}`.replaceAll('.', '\\.');
      const rows: ResultRow[] = [];
      await expect(expectCleanRemoval(implementation, judged, stateBefore!, (row) => rows.push(row))).rejects.toThrow(
        new RegExp(`^${id}: removing .*\\nleft behind: link stray0 \\(bridge\\)\\ntaken away: ${uplink}$`),
      );
      // reported where it belongs: a failed 9-lifecycle row, the difference as its cause
      expect(rows).toMatchObject([{ property: '9-lifecycle', verdict: 'fail' }]);
      expect(rows[0]!.why).toMatch(new RegExp(`^left behind: link stray0 \\(bridge\\); taken away: ${uplink}$`));
    } finally {
      await hostOf(built).stop();
    }
  }, 300_000);

  // a firewall reload that keeps no one's rules, as another program on the host may do
  test('a flushed CNI-ISOLATION-STAGE-2 fails 5-isolation only, the ping seen crossing both bridges', async () => {
    const id = `cni-1.9:${EXAMPLE}`;
    const built = await buildImplementation(cellOf(id), { ...harness, lifecycle: false }, topology);
    try {
      if (built.state !== 'built') throw new Error(`${id} did not build: ${built.reason}`);
      const failed = async () => failedOf((await judgeAll(built.judged)).flatMap(({ judgements }) => judgements));
      expect((await failed()).map(({ row }) => row.why)).toEqual([]); // the twin: untouched, it passes
      await built.judged.host.exec(['iptables-nft', '-F', 'CNI-ISOLATION-STAGE-2']);
      const broken = await failed();
      expect([...new Set(broken.map(({ row }) => propertyOf(row)))]).toEqual(['5-isolation']);
      for (const { row } of broken)
        expect(row.why).toMatch(/got through, but must not: .*kept apart.*; seen on every point of its path \(.*cni-/);
    } finally {
      await hostOf(built).stop();
    }
  }, 300_000);
});
