// Debian's docker.io versions the harness judges, and the suite each comes from (FACTS: 20.10 bookworm,
// 26.1 trixie, 28.5 sid).
export const DOCKER_VERSIONS = { '20.10': 'bookworm', '26.1': 'trixie', '28.5': 'sid' } as const;
export type DockerVersion = keyof typeof DOCKER_VERSIONS;
export const DOCKER_PREFIX = 'docker-';
export const DOCKER_IDS = Object.keys(DOCKER_VERSIONS).map((version) => `${DOCKER_PREFIX}${version}`);

/** The version an id names ('docker-28.5'), or undefined when it names none the harness judges. */
export function dockerVersionOf(id: string): DockerVersion | undefined {
  const version = id.slice(DOCKER_PREFIX.length);
  return id.startsWith(DOCKER_PREFIX) && Object.hasOwn(DOCKER_VERSIONS, version)
    ? (version as DockerVersion)
    : undefined;
}
/** The iptables dockerd writes with: Debian's default alternative in every suite. */
export const DOCKER_IPTABLES = 'iptables-nft' as const;
