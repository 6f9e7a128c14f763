// Debian's docker.io versions the harness judges, and the suite each comes from (FACTS: 20.10 bookworm,
// 26.1 trixie, 28.5 sid).
export const DOCKER_VERSIONS = { '20.10': 'bookworm', '26.1': 'trixie', '28.5': 'sid' } as const;
export type DockerVersion = keyof typeof DOCKER_VERSIONS;
export const DOCKER_PREFIX = 'docker-';
/** The iptables dockerd writes with: Debian's default alternative in every suite. */
export const DOCKER_IPTABLES = 'iptables-nft' as const;
