// A NAT rule that matched the probe but sends it where it cannot succeed: a DNAT to another address or port
// than the published workload's, an SNAT to a source address that no link of the host has.
import { withPort, type ProbeSpec } from '../probes/outcome.ts';
import type { Roles } from '../roles/roles.ts';
import type { Rerun, Translation } from './rerun.ts';

/** The DNAT rules that sent the probe elsewhere than to the published workload's address and port. */
export function dnatTargetCauses(translated: Translation[], spec: ProbeSpec, roles: Roles): string[] {
  const published = roles.published;
  const workload = published && roles.workloads.find((w) => w.label === published.workload);
  if (!published || !workload) return [];
  const listener = withPort(workload.address, published.targetPort);
  return translated.flatMap(({ rule, target, packets }) => {
    // a DNAT without a port keeps the one the probe went to
    const sentTo = withPort(target.address, target.port ?? spec.port!);
    if (sentTo === listener) return [];
    const sends = `${rule} sends ${withPort(spec.to, spec.port!)} to ${sentTo} (${packets} packet(s))`;
    return [`${sends}, but the published workload ${workload.label} listens on ${listener}`];
  });
}

/** The SNAT rules that gave the probe a source no link of the host has, and whether anything came back to it. */
export function snatTargetCauses(
  translated: Translation[],
  hostAddresses: string[],
  seen: Rerun['seen'],
  uplink: string,
): string[] {
  const captured = seen.find((point) => point.label === uplink)?.captured;
  return translated.flatMap(({ rule, target, packets }) => {
    if (hostAddresses.includes(target.address)) return [];
    const rewrote = `${rule} rewrote the source of ${packets} packet(s) to ${target.address}`;
    const cause = `${rewrote}, an address no link of the host has`;
    if (!captured) return [cause];
    const back = captured.filter((packet) => packet.dst === target.address).length;
    const came = back ? `${back} packet(s)` : 'nothing';
    return [`${cause}; ${came} addressed to ${target.address} came back on ${uplink}`];
  });
}
