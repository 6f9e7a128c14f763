// Scenario 4 of the guide: an HTTP server in the namespace, then DNAT from the host's public address to it.
import type { BackgroundProcess } from '../../../hosts/background.ts';
import { startResponder } from '../../../probes/responder.ts';
import type { Step } from '../step.ts';
import { ip6tablesOf } from '../../../net/firewall.ts';
import { uplinkAddress } from '../../../world/world.ts';
import { addressOf, dualStack, namespaceOf, type Topology } from '../topology.ts';
import { nftDnat, nftDnat6 } from '../nft-ruleset.ts';

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

/** The rule's own words, also used to find its counter in `iptables-save -c`. */
export const dnatRule = (topology: Topology): string[] => {
  const ns = namespaceOf(topology, topology.server.namespace);
  const port = String(topology.server.port);
  return [
    '-d',
    addressOf(topology.uplink.address),
    '-p',
    'tcp',
    '--dport',
    port,
    '-j',
    'DNAT',
    '--to-destination',
    `${addressOf(ns.address)}:${port}`,
  ];
};

/** The IPv6 twin: the uplink's IPv6 address and the same port to the server's IPv6 address. */
export const dnatRule6 = (topology: Topology): string[] => {
  const ns = namespaceOf(topology, topology.server.namespace);
  const port = String(topology.server.port);
  const to = `[${addressOf(ns.address6!)}]:${port}`;
  return ['-d', uplinkAddress(topology, 'ipv6'), '-p', 'tcp', '--dport', port, '-j', 'DNAT', '--to-destination', to];
};

export const addDnat = (topology: Topology): Step => ({
  id: 'dnat',
  title:
    `DNAT ${addressOf(topology.uplink.address)}:${topology.server.port} ` +
    `to the server in ${topology.server.namespace}`,
  run: async ({ $, iptables, firewall, topology: built }) => {
    if (firewall === 'nft') await $`nft -f - <<< ${nftDnat(topology)}`;
    else await $`${iptables} -t nat -A PREROUTING ${dnatRule(topology)}`;
    if (!dualStack(built)) return;
    if (firewall === 'nft') await $`nft -f - <<< ${nftDnat6(topology)}`;
    else await $`${ip6tablesOf(iptables)} -t nat -A PREROUTING ${dnatRule6(topology)}`;
  },
});
