// A picture of what an implementation built, drawn from its roles alone by Graphviz (its WebAssembly build,
// @viz-js/viz): the workloads on their bridge's gateway, the host's uplink, the simulated internet, and the
// published port's path, and the links the kernel reports between them (workload-links.ts) where they were read.
// Attached to the report per implementation.
import { instance } from '@viz-js/viz';
import type { WorkloadLink } from '../evidence/workload-links.ts';
import type { Roles } from '../roles/roles.ts';
import { uplinkAddress, type World } from '../world/world.ts';

const quote = (text: string) => JSON.stringify(text); // a DOT string is a JSON string, escapes included

/** a workload's edge to the gateway, naming its link when it was read: [label="eth0 — veth1a2b3c"] */
const linkAttributes = (link: WorkloadLink | undefined) =>
  link ? ` [label=${quote([link.inside, ...(link.outside ? [link.outside] : [])].join(' — '))}]` : '';

/** The roles as a Graphviz graph, in DOT; with the workloads' links by label, the links and bridges named. */
export function rolesDot(roles: Roles, world: World, links: Record<string, WorkloadLink> = {}): string {
  const { internet, uplink } = world;
  const bridges = [...new Set(Object.values(links).flatMap((link) => (link.bridge ? [link.bridge] : [])))];
  const lines = [
    'graph roles {',
    // the report shows the picture scaled to its pane: text drawn smaller than 14 pt read as about 9 px there
    '  rankdir=LR; node [shape=box, fontname="Helvetica", fontsize=16]; edge [fontname="Helvetica", fontsize=14];',
    `  gateway [label=${quote(`bridge ${bridges.join(', ')}`.trim() + `\ngateway ${roles.gateway}`)}, shape=ellipse];`,
    `  host [label=${quote(`host\n${uplink.name} ${uplinkAddress(world)}`)}];`,
    `  internet [label=${quote(
      `internet\n${uplink.gateway} (ISP gateway)\n` +
        `${internet.publicHost}, client ${internet.outsideClient}\nneighbour ${internet.neighbour}`,
    )}];`,
    '  gateway -- host [label="routed by the host"];',
    `  host -- internet [label=${quote(uplink.name)}];`,
    ...roles.workloads.map(
      (w, index) =>
        `  w${index} [label=${quote([w.label, w.address, ...(w.netns === w.label ? [] : [w.netns])].join('\n'))}];\n` +
        `  w${index} -- gateway${linkAttributes(links[w.label])};`,
    ),
  ];
  if (roles.published) {
    const server = roles.workloads.findIndex((w) => w.label === roles.published!.workload);
    lines.push(
      `  internet -- w${server} [style=dashed, dir=forward, constraint=false, ` +
        `label=${quote(`${uplinkAddress(world)}:${roles.published.port} → :${roles.published.targetPort}`)}];`,
    );
  }
  return [...lines, '}'].join('\n');
}

export async function rolesPicture(
  roles: Roles,
  world: World,
  links: Record<string, WorkloadLink> = {},
): Promise<string> {
  return (await instance()).renderString(rolesDot(roles, world, links), { format: 'svg' });
}
