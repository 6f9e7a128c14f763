// Scenario 4 of the guide: an HTTP server in the namespace, then DNAT from the host's public address to it.
import type { BackgroundProcess } from '../../../hosts/background.ts';
import { startResponder } from '../../../probes/responder.ts';
import type { Step } from '../step.ts';
import { iptablesIn } from '../../../net/firewall.ts';
import { withPort } from '../../../probes/outcome.ts';
import { uplinkAddress, type Family } from '../../../world/world.ts';
import { addressOf, andIpv6, builtFamilies, namespaceAddress, namespaceOf, type Topology } from '../topology.ts';
import { nftDnat } from '../nft-ruleset.ts';

export const startHttpServer = (topology: Topology): Step<BackgroundProcess> => {
  const ns = namespaceOf(topology, topology.server.namespace);
  const address = addressOf(ns.address);
  const { port } = topology.server;
  return {
    id: 'http-server',
    // the guide runs python3 -m http.server; the harness's responder serves the same port and says whom it saw
    title:
      `In ${ns.name}: serve HTTP on ${address}:${port} ` +
      `(the harness's responder, in place of python3 -m http.server)`,
    run: ({ host }) => startResponder(host, ns.name, port),
  };
};

/** The rule's own words (in a family: its addresses), also used to find its counter in `iptables-save -c`. */
export const dnatRule = (topology: Topology, family: Family = 'ipv4'): string[] => {
  const ns = namespaceOf(topology, topology.server.namespace);
  const { port } = topology.server;
  return [
    '-d',
    uplinkAddress(topology, family),
    '-p',
    'tcp',
    '--dport',
    String(port),
    '-j',
    'DNAT',
    '--to-destination',
    withPort(namespaceAddress(ns, family), port),
  ];
};

export const addDnat = (topology: Topology): Step => ({
  id: 'dnat',
  title:
    `DNAT ${addressOf(topology.uplink.address)}:${topology.server.port}` +
    andIpv6(topology, () => withPort(uplinkAddress(topology, 'ipv6'), topology.server.port)) +
    ` to the server in ${topology.server.namespace}`,
  // in dual stack its IPv6 twin too: the uplink's IPv6 address and the same port to the server's IPv6 address
  run: async ({ $, iptables, firewall, topology: built }) => {
    for (const family of builtFamilies(built)) {
      if (firewall === 'nft') await $`nft -f - <<< ${nftDnat(topology, family)}`;
      else await $`${iptablesIn(iptables, family)} -t nat -A PREROUTING ${dnatRule(topology, family)}`;
    }
  },
});
