// Docker next to a hand-built bridge (the guide's br0 on a machine that runs Docker), as data per version:
// which properties of br0 Docker's defaults break, why, and the remedy Docker documents.
//
// dockerd turns ip_forward on itself when it finds it off, and then sets FORWARD's policy to DROP; br_netfilter
// (built into these kernels, FACTS.md) sends even frames bridged between two ports of br0 through FORWARD. The
// host's own traffic to and from br0 goes through INPUT and OUTPUT and keeps working.
import type { PropertyId } from '../../properties/properties.ts';
import type { Host } from '../../hosts/host.ts';
import { DOCKER_IPTABLES, type DockerVersion } from './versions.ts';

export interface BesideABridge {
  versions: readonly DockerVersion[];
  breaks: readonly PropertyId[];
  holds: readonly PropertyId[];
  because: string;
}

export const BESIDE_A_BRIDGE: readonly BesideABridge[] = [
  {
    versions: ['20.10', '26.1', '28.5'],
    breaks: ['1-bridge', '3-egress', '4-inbound'],
    holds: ['2-host'],
    because:
      "dockerd turned ip_forward on itself, so it set FORWARD's policy to DROP; bridged frames traverse FORWARD " +
      "(br_netfilter), so br0's namespaces lose each other, the internet and inbound; " +
      "the host's own traffic (INPUT, OUTPUT) is untouched",
  },
];

export function besideABridge(version: DockerVersion): BesideABridge {
  const entry = BESIDE_A_BRIDGE.find((candidate) => candidate.versions.includes(version));
  if (!entry) throw new Error(`no expectation for Docker ${version} next to a bridge in BESIDE_A_BRIDGE`);
  return entry;
}

/** DOCKER-USER is the chain Docker leaves to the user, jumped to first from FORWARD in every version. */
export const dockerUserAccepts = (bridge: string): string[][] => [
  ['-i', bridge, '-j', 'ACCEPT'],
  ['-o', bridge, '-j', 'ACCEPT'],
];

/** The remedy Docker documents: accept the bridge's traffic in DOCKER-USER, in and out. */
export async function acceptBridgeInDockerUser(host: Host, bridge: string): Promise<void> {
  for (const rule of dockerUserAccepts(bridge)) await host.exec([DOCKER_IPTABLES, '-I', 'DOCKER-USER', ...rule]);
}
