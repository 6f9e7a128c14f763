// Why a check failed, in words, from what the probe itself observed (the diagnosis that re-runs a failing
// probe with captures and traces comes on top of this).
import { describeProbe, withPort, type Outcome } from '../probes/outcome.ts';
import type { Roles } from '../roles/roles.ts';
import { familyOf } from '../world/world.ts';
import type { Check } from './properties.ts';

export function explain(check: Check, outcome: Outcome, roles: Roles): string {
  const { probe } = check;
  const from = probe.from ?? 'the host';
  const target = probe.port ? withPort(probe.to, probe.port) : probe.to;
  // IPv6 finds its neighbours by neighbour discovery, not ARP
  const arp = familyOf(probe.to) === 'ipv6' ? 'neighbour advertisement' : 'ARP answer';
  switch (outcome.kind) {
    case 'error':
      return `the probe could not run: ${outcome.detail}`;
    case 'reachable':
      if (check.expect !== 'reachable') return `${describeProbe(probe)} got through, but must not: ${check.because}`;
      return outcome.seenAs === undefined
        ? 'the far side did not say which address it saw'
        : `the far side saw ${outcome.seenAs}, not ${check.seenAs}: ${whoIs(outcome.seenAs, roles)}`;
    case 'timeout':
      return (
        `no answer to ${describeProbe(probe)} before its deadline: ` +
        `the request or the reply was dropped on the way, or the reply could not be routed back`
      );
    case 'network-unreachable':
      return outcome.from
        ? `the router ${outcome.from} has no route to ${probe.to}`
        : `${from} has no route to ${probe.to}`;
    case 'host-unreachable':
      return outcome.from
        ? `${outcome.from} got no ${arp} for ${probe.to} (or for the next hop to it)`
        : `${from} cannot reach ${probe.to}: no ${arp}, or an ICMP host-unreachable`;
    case 'refused':
      return `${target} answered with a TCP reset: nothing listens there, and nothing forwards it to a listener`;
    case 'filtered':
      return `a firewall rejected it (ICMP administratively prohibited${outcome.from ? ` from ${outcome.from}` : ''})`;
  }
}

/** What an unexpected source address tells. */
function whoIs(address: string, roles: Roles): string {
  const workload = roles.workloads.find((w) => w.address === address);
  if (workload)
    return `that is ${workload.label}'s own private address: no source NAT (MASQUERADE) translated it on the way out`;
  if (address === roles.gateway)
    return (
      "that is the bridge's gateway: the connection was proxied or masqueraded on the host " +
      '(a userland proxy, a hairpin MASQUERADE)'
    );
  return 'the address was translated on the way';
}
