// Properties 5 and 6 as each Docker version claims them, with the networks it is asked to build for them: a
// user-defined network beside docker0, one with inter-container communication off, one marked internal (moby's
// TestBridgeINC, TestBridgeICC, TestInternalNwConnectivity). Measured; where the versions differ, the moby change
// that explains it is named.
import { APART, INTERNAL, NO_ICC, type BesideClaims } from '../beside-networks.ts';
import type { DockerVersion } from './versions.ts';

const ISOLATION: BesideClaims['isolation'] = {
  network: { ...APART, flags: [] },
  iccOff: { ...NO_ICC, flags: ['--opt', 'com.docker.network.bridge.enable_icc=false'] },
  why:
    'DOCKER-ISOLATION-STAGE-2 drops what one of its bridges forwards to another (from 28.0 the raw PREROUTING drop ' +
    "for a container's address from another link comes first); with icc off, its bridge's `-i br -o br -j DROP`",
};

const INTERNAL_NETWORK = { ...INTERNAL, flags: ['--internal'] };

export function dockerBeside(version: DockerVersion): BesideClaims {
  if (version === '20.10')
    return {
      isolation: ISOLATION,
      internal: {
        network: INTERNAL_NETWORK,
        egress: 'dropped',
        peersApart: {
          families: ['ipv6'],
          why:
            'before 25.0 the isolation rule `! -d subnet -i br -j DROP` also drops neighbour solicitations to ' +
            'multicast between two containers of the bridge (moby#45460, fixed by moby#45649)',
        },
        why:
          "before 25.0 an internal network's containers have a default route, and DOCKER-ISOLATION-STAGE-1 drops " +
          'what leaves the bridge for another subnet (`! -d subnet -i br`) and what enters it from one',
      },
    };
  return {
    isolation: ISOLATION,
    internal: {
      network: INTERNAL_NETWORK,
      egress: 'no-route',
      why:
        "from 25.0 an internal network's containers get no default route (moby#46603); DOCKER-ISOLATION-STAGE-1 " +
        'drops what enters its bridge from another subnet',
    },
  };
}
