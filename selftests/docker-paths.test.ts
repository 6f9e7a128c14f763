// Docker's own paths per version and family, as data: each version's IPv6 flags say why; in IPv6 the paths are the
// IPv4 ones with the IPv6 twins of their addresses, but for the one through 127.0.0.1 (::1 never crosses a wire),
// and 28.5's raw-table drop is counted in ip6tables' raw table, on the container's /128.
import { describe, expect, test } from 'vitest';
import { dockerChecks } from '../src/implementations/docker/paths.ts';
import { DOCKER_IPV6, DOCKER_SUBNET6 } from '../src/implementations/docker/ipv6.ts';
import { DOCKER_VERSIONS, type DockerVersion } from '../src/implementations/docker/versions.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { describeProbe } from '../src/probes/outcome.ts';
import type { Roles } from '../src/roles/roles.ts';
import { worldOnly } from '../src/world/world.ts';

const roles: Roles = {
  workloads: [
    { label: 'web', netns: '/proc/1/ns/net', address: '172.17.0.2', address6: 'fd00:172:17::2' },
    { label: 'peer', netns: '/proc/2/ns/net', address: '172.17.0.3', address6: 'fd00:172:17::3' },
  ],
  gateway: '172.17.0.1',
  gateway6: 'fd00:172:17::1',
  published: { port: 8080, workload: 'web', targetPort: 5000 },
};
const dualStack = worldOnly(loadTopology(), ['ipv4', 'ipv6']);
const versions = Object.keys(DOCKER_VERSIONS) as DockerVersion[];
const probesIn = (version: DockerVersion, family: 'ipv4' | 'ipv6') =>
  dockerChecks(version, roles, dualStack)
    .filter((check) => check.family === family)
    .map((check) => describeProbe(check.probe));

describe("Docker's paths per family", () => {
  test.each(versions)('Docker %s: IPv6 is asked for with --ipv6 and the subnet, and the flags say why', (version) => {
    const { flags, because } = DOCKER_IPV6[version];
    expect(flags).toEqual(expect.arrayContaining(['--ipv6', `--fixed-cidr-v6=${DOCKER_SUBNET6}`]));
    expect(because).toMatch(/ip6tables/);
  });

  test.each(versions)('Docker %s: each IPv4 path has its IPv6 twin, but the one through 127.0.0.1', (version) => {
    const v4 = probesIn(version, 'ipv4');
    const v6 = probesIn(version, 'ipv6');
    expect(v4.filter((probe) => probe.includes('127.0.0.1:8081'))).toHaveLength(1);
    expect(v6).toHaveLength(v4.length - 1);
    expect(v6).toContain('http host → [::1]:8080');
    expect(v6).toContain('http neighbour[2001:db8:31::9] → [fd00:172:17::2]:5000');
    expect(v6.join('\n')).not.toMatch(/\b172\.|127\.0\.0\.1/);
  });

  test('only IPv4 judged: no IPv6 path; a container without an IPv6 address: none either', () => {
    expect(dockerChecks('28.5', roles, worldOnly(loadTopology(), ['ipv4'])).map((c) => c.family)).not.toContain('ipv6');
    const v4only = { ...roles, workloads: roles.workloads.map(({ address6: _, ...w }) => w) };
    expect(dockerChecks('28.5', v4only, dualStack).map((check) => check.family)).not.toContain('ipv6');
  });

  test("28.5 closes direct routing in both families, each counted by its own iptables' raw PREROUTING rule", () => {
    const drops = dockerChecks('28.5', roles, dualStack)
      .filter((check) => check.droppedBy && check.probe.to.startsWith('fd00:172:17::'))
      .map((check) => check.droppedBy);
    expect(drops).toEqual([
      {
        iptables: 'ip6tables-nft',
        table: 'raw',
        chain: 'PREROUTING',
        rule: ['-d', 'fd00:172:17::2/128', '!', '-i', 'docker0', '-j', 'DROP'],
      },
    ]);
    const v4drop = dockerChecks('28.5', roles, dualStack).find((check) => check.probe.to === '172.17.0.2');
    expect(v4drop?.droppedBy).toMatchObject({
      iptables: 'iptables-nft',
      rule: ['-d', '172.17.0.2/32', '!', '-i', 'docker0', '-j', 'DROP'],
    });
  });
});
