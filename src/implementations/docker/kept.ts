// What `docker rm` of every container leaves, by design: what the default bridge network shares while dockerd
// runs (docker0 and its addresses, forwarding, FORWARD's DROP policy, the DOCKER chains and the jumps to them).
// Each line with its reason; a rule that names a container (its address, a published port) is a leftover.
import type { KeptByDesign } from '../../results/leftovers.ts';
import { bridgeKept, forwardingKept, sharedRules } from '../kept-by-design.ts';

export const DOCKER_KEPT: readonly KeptByDesign[] = [
  bridgeKept('docker0', 'docker0 is the default network, which outlives its containers as long as dockerd runs'),
  forwardingKept('dockerd turns forwarding on when it starts and never off: its networks rely on it'),
  {
    matches: /^ip6?tables-\S+ filter: :FORWARD DROP$/,
    why: 'dockerd sets FORWARD to DROP when it turns forwarding on itself, so that it forwards only what it allows',
  },
  sharedRules('DOCKER|docker0', "the DOCKER chains, the jumps to them and docker0's masquerade serve the network"),
];
