// The report's picture of an implementation is drawn from its roles: every workload, the gateway, the host's
// uplink, the internet, and the published port's path, rendered by Graphviz into an SVG.
import { describe, expect, test } from 'vitest';
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
