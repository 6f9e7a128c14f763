// Each property has a table per address family, computed from the same roles and world: in IPv6 every address
// is the IPv6 twin of the IPv4 one (the workloads' address6, the roles' gateway6, the world's IPv6 contract),
// and roles without IPv6 addresses make the IPv6 tables skip, saying so. The truth table names IPv6 rows apart.
import { describe, expect, test } from 'vitest';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { PROPERTY_IDS, propertyTable } from '../src/properties/properties.ts';
import { describeProbe } from '../src/probes/outcome.ts';
import { verdictGrid } from '../src/report/rows-table.ts';
import type { ResultRow } from '../src/results/row.ts';
import type { Network, Roles } from '../src/roles/roles.ts';
import { worldOnly } from '../src/world/world.ts';

const world = worldOnly(loadTopology(), ['ipv4', 'ipv6']);
const dualStack: Roles = {
  workloads: [
    { label: 'a', netns: 'nc-a', address: '10.0.0.2', address6: 'fd00:c0::2' },
    { label: 'b', netns: 'nc-b', address: '10.0.0.3', address6: 'fd00:c0::3' },
  ],
  gateway: '10.0.0.1',
  gateway6: 'fd00:c0::1',
  published: { port: 8080, workload: 'b', targetPort: 5000 },
  publishedUdp: { port: 8080, workload: 'b', targetPort: 5000 },
  hairpin: { self: 'gateway', peer: 'client', why: 'as a test claims' },
  isolation: {
    network: besideNetwork('apart', 18),
    iccOff: besideNetwork('no-icc', 19),
    why: 'as a test claims',
  },
  internal: { ...besideNetwork('internal', 20), egress: 'dropped', why: 'as a test claims' },
};
/** A network beside the first, 10.0.N.0/24 and fd00:N::/64, with two workloads. */
function besideNetwork(name: string, third: number) {
  const workload = (last: number) => ({
    label: `${name}-${last}`,
    netns: `nc-${name}-${last}`,
    address: `10.0.${third}.${last}`,
    address6: `fd00:${third}::${last}`,
  });
  return {
    workloads: [workload(2), workload(3)],
    gateway: `10.0.${third}.1`,
    gateway6: `fd00:${third}::1`,
  };
}
const checksOf = (roles: Roles, family: 'ipv4' | 'ipv6') =>
  PROPERTY_IDS.flatMap((property) => propertyTable(property, roles, world, family).checks).map((check) => ({
    family: check.family,
    probe: describeProbe(check.probe),
    expect: check.expect,
    ...(check.seenAs ? { seenAs: check.seenAs } : {}),
  }));

describe('property tables per family', () => {
  test('in IPv6, every address of the IPv4 table has its IPv6 twin, and no IPv4 address is left', () => {
    const twins: Array<[string, string]> = [
      ['10.0.0.1', 'fd00:c0::1'],
      ['10.0.0.2', 'fd00:c0::2'],
      ['10.0.0.3', 'fd00:c0::3'],
      ['172.31.8.154', '2001:db8:31::8:154'],
      ['8.8.8.8', '2001:4860:4860::8888'],
      ['198.51.100.7', '2001:db8:100::7'],
      ['172.31.0.9', '2001:db8:31::9'],
      ...[18, 19, 20].flatMap((third): Array<[string, string]> =>
        [1, 2, 3].map((last) => [`10.0.${third}.${last}`, `fd00:${third}::${last}`]),
      ),
    ];
    // an address with a port is bracketed in IPv6, as in a URL
    const twin = (text: string) =>
      twins.reduce((changed, [four, six]) => changed.replace(`${four}:`, `[${six}]:`).replace(four, six), text);
    const v4 = checksOf(dualStack, 'ipv4');
    expect(checksOf(dualStack, 'ipv6')).toEqual(
      v4.map((check) => ({
        family: 'ipv6',
        probe: twin(check.probe),
        expect: check.expect,
        ...(check.seenAs ? { seenAs: twin(check.seenAs) } : {}),
      })),
    );
    expect(v4.map((check) => check.probe)).toContain('http internet[198.51.100.7] → 172.31.8.154:8080');
    expect(checksOf(dualStack, 'ipv6').map((check) => check.probe)).toContain(
      'http internet[2001:db8:100::7] → [2001:db8:31::8:154]:8080',
    );
  });

  test('roles without IPv6 addresses skip every IPv6 table, naming what is missing; IPv4 is judged as before', () => {
    const withoutIpv6 = <Of extends Network>({ gateway6: _, ...network }: Of): Of =>
      ({ ...network, workloads: network.workloads.map(({ address6: _, ...w }) => w) }) as Of;
    const v4only: Roles = {
      ...withoutIpv6(dualStack),
      isolation: { ...dualStack.isolation!, network: withoutIpv6(dualStack.isolation!.network!) },
      internal: withoutIpv6(dualStack.internal!),
    };
    delete v4only.isolation!.iccOff;
    for (const property of PROPERTY_IDS) {
      const table = propertyTable(property, v4only, world, 'ipv6');
      expect(table).toMatchObject({ property, family: 'ipv6', checks: [] });
      expect(table.skip).toBe(
        ['5-isolation', '6-internal'].includes(property)
          ? 'the networks it is judged on have no IPv6 addresses (the roles give no "address6" or "gateway6" there)'
          : 'no IPv6 address for a, b (the roles give no "address6"): nothing to judge in IPv6',
      );
      expect(propertyTable(property, v4only, world, 'ipv4').checks.length).toBeGreaterThan(0);
    }
    // the networks beside the first are judged on their own addresses: an internal network with IPv6 beside a
    // first network without it (Podman's) is judged in IPv6, and so is a network with icc off
    const besideOnly = { ...v4only, internal: dualStack.internal!, isolation: dualStack.isolation! };
    expect(propertyTable('6-internal', besideOnly, world, 'ipv6').checks.length).toBe(6);
    expect(propertyTable('5-isolation', besideOnly, world, 'ipv6').checks.map((c) => describeProbe(c.probe))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/fd00:c0::/)]),
    );
    const noGateway = { ...dualStack, gateway6: undefined };
    expect(propertyTable('1-bridge', noGateway, world, 'ipv6').skip).toBe(
      'the roles give no "gateway6": nothing to judge in IPv6',
    );
  });

  test('the truth table shows a property in IPv6 as a row of its own', () => {
    const row = (property: string, family: 'ipv4' | 'ipv6', verdict: ResultRow['verdict']): ResultRow => ({
      implementation: 'guide',
      host: 'netns',
      kernel: '6.18',
      firewall: 'iptables-nft',
      property,
      family,
      probe: 'ping',
      expected: 'reachable',
      observed: 'reachable',
      verdict,
    });
    const grid = verdictGrid([row('1-bridge', 'ipv4', 'pass'), row('1-bridge', 'ipv6', 'fail')]);
    expect(grid.map((line) => line.join(' | '))).toEqual([
      'property | guide',
      '1-bridge | pass',
      '1-bridge in IPv6 | fail',
      '2-host | ',
      '2-host in IPv6 | ',
      '3-egress | ',
      '3-egress in IPv6 | ',
      '4-inbound | ',
      '4-inbound in IPv6 | ',
    ]);
  });
});
