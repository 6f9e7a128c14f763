// The guide's own build as an implementation: every step of its four scenarios in order (the walkthrough
// suites run the same steps one by one, with the "before the fix" states between them), and roles read off
// its topology. The server is the judge's responder, so the guide's server step is left out here.
import { scriptShell } from '../../hosts/script-shell.ts';
import type { Implementation, ImplementationKind } from '../implementation.ts';
import type { ForeignFirewallClaim, Roles } from '../../roles/roles.ts';
import { ipv6Settled } from '../ipv6-settled.ts';
import type { Step } from './step.ts';
import { addDnat } from './steps/inbound-access.ts';
import { addMasquerade, ipForwardOn } from './steps/internet-egress.ts';
import { addBridge, cableNamespace } from './steps/namespace-to-bridge.ts';
import { addDefaultRoute } from './steps/namespace-to-root.ts';
import { addressOf, dualStack, type NamespaceSpec, type Topology } from './topology.ts';

/** Every step that builds the guide's final state, in the guide's order. */
export function guideBuild(topology: Topology): Step<unknown>[] {
  return [
    addBridge(topology),
    ...topology.namespaces.flatMap((ns) => [...cableNamespace(ns, topology), addDefaultRoute(ns, topology)]),
    ipForwardOn,
    addMasquerade(topology),
    addDnat(topology),
  ];
}

/** Who is who in the guide's topology, for the namespaces built so far (a walkthrough may build fewer). */
export function guideRoles(topology: Topology, namespaces: readonly NamespaceSpec[] = topology.namespaces): Roles {
  const { server } = topology;
  const ipv6 = dualStack(topology);
  return {
    workloads: namespaces.map((ns) => ({
      label: ns.name,
      netns: ns.name,
      address: addressOf(ns.address),
      ...(ipv6 ? { address6: addressOf(ns.address6!) } : {}),
    })),
    gateway: addressOf(topology.bridge.address),
    ...(ipv6 ? { gateway6: addressOf(topology.bridge.address6!) } : {}),
    ...(namespaces.some((ns) => ns.name === server.namespace)
      ? { published: { port: server.port, workload: server.namespace, targetPort: server.port } }
      : {}),
  };
}

/** Property 10, as the guide builds (measured) */
const GUIDE_FOREIGN: ForeignFirewallClaim = {
  keeps: [],
  why: "the guide adds no FORWARD rule: it relies on FORWARD's ACCEPT policy",
};

export function guideImplementation(topology: Topology): Implementation {
  return {
    id: 'guide',
    async setUp({ host, world, iptables, firewall }) {
      // only the final state is judged here: every step's lines go to the host as one script
      const script = scriptShell(host);
      const built = { ...topology, families: world.families }; // dual stack when the run judges IPv6
      const ctx = { host, $: script.$, topology: built, iptables, firewall };
      for (const step of guideBuild(built)) if (!built.omitSteps.includes(step.id)) await step.run(ctx);
      await script.run();
      const roles = { ...guideRoles(built), foreignFirewall: GUIDE_FOREIGN };
      // the kernel's link-local addresses on br0 and the veths do DAD: what is judged is the settled state
      if (world.families.includes('ipv6')) await ipv6Settled(host, 'guide', roles);
      return roles;
    },
  };
}

/** NETNS_IMPL=guide */
export const guideKind: ImplementationKind = {
  kind: 'guide',
  names: ['guide'],
  read: (id) => (id === 'guide' ? { argument: '', golden: false } : undefined),
  make: (_, topology) => guideImplementation(topology),
};
