// The report's picture of an implementation is drawn from its roles: every workload, the gateway, the host's
// uplink, the internet, and the published port's path, rendered by Graphviz into an SVG; the links between the
// workloads and their bridge are named as the kernel reports them in the built host.
import { describe, expect, inject, test } from 'vitest';
import { workloadLinks } from '../src/evidence/workload-links.ts';
import { withBuiltExample } from './built-example.ts';
import { machineAbilities } from '../src/harness/backend-choice.ts';
import { guideRoles } from '../src/implementations/guide/guide.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { rolesDot, rolesPicture } from '../src/report/topology-picture.ts';

describe('topology picture', () => {
  const topology = loadTopology();
  const roles = guideRoles(topology);

  test('the graph names every workload, the gateway, the uplink and the published path', () => {
    const dot = rolesDot(roles, topology);
    for (const text of [
      'netns1\\n192.168.0.2',
      'netns2\\n192.168.0.3',
      'gateway 192.168.0.1',
      'eth0 172.31.8.154',
      '172.31.8.154:5000 → :5000',
    ])
      expect(dot).toContain(text);
  });

  test('Graphviz renders it as SVG, labels and all', async () => {
    const svg = await rolesPicture(roles, topology);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg/);
    expect(svg).toContain('192.168.0.2');
  });
});

const root = (await machineAbilities()).root;
const harness = { ...inject('harness'), backend: 'netns' as const, families: ['ipv4' as const] };

describe.skipIf(!root)('the links in the picture, read from a built host (netns hosts need root)', () => {
  test("examples/bridge.sh: each workload's eth0, its veth peer, the bridge nc0; a link down, unnamed", async () => {
    await withBuiltExample(harness, async ({ host, roles: builtRoles, world }) => {
      const links = await workloadLinks(host, builtRoles);
      expect(links).toEqual({
        a: { inside: 'eth0', outside: 'veth-a', bridge: 'nc0' },
        b: { inside: 'eth0', outside: 'veth-b', bridge: 'nc0' },
      });
      const dot = rolesDot(builtRoles, world, links);
      expect(dot).toContain('bridge nc0\\ngateway 10.88.0.1');
      expect(dot).toContain('w0 -- gateway [label="eth0 — veth-a"]');

      // a's link down: no route to its gateway, so the kernel names no link of a, and neither does the picture
      await host.exec(['ip', 'link', 'set', 'eth0', 'down'], { ns: 'nc-a' });
      const without = await workloadLinks(host, builtRoles);
      expect(Object.keys(without)).toEqual(['b']);
      expect(rolesDot(builtRoles, world, without)).toContain('w0 -- gateway;');
    });
  });
});
