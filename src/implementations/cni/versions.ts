// Debian's CNI plugins (containernetworking-plugins) the harness judges: the suite each comes from, and what a
// version is known to do differently, as data with its reason (measured; upstream issue named).
export interface CniVersion {
  suite: 'bookworm' | 'sid';
  /** a CHECK that this version is known to fail, and why; undefined: CHECK must agree with what ADD made */
  knownCheckFailure?: { plugin: string; says: RegExp; why: string };
}

export const CNI_VERSIONS: Record<string, CniVersion> = {
  // bookworm and trixie both carry 1.1.1
  '1.1': {
    suite: 'bookworm',
    knownCheckFailure: {
      plugin: 'portmap',
      says: /could not check ipv6 dnat/,
      why:
        "portmap 1.1's CHECK looks for the workload's rules in ip6tables too, whatever it added there " +
        '(containernetworking/plugins#819, fixed after 1.1)',
    },
  },
  '1.9': { suite: 'sid' },
};
export const DEFAULT_CNI_VERSION = '1.1';
export const CNI_PACKAGE = 'containernetworking-plugins';
/** where Debian's package puts the plugins */
export const PLUGIN_DIR = 'usr/lib/cni';

/** 'cni:PATH' (Debian stable's 1.1), 'cni-1.1:PATH', 'cni-1.9:PATH': the version and the path as written. */
export function cniIdParts(id: string): { version: string; path: string } | undefined {
  const match = /^cni(?:-(\d+\.\d+))?:(.*)$/s.exec(id);
  if (!match) return undefined;
  return { version: match[1] ?? DEFAULT_CNI_VERSION, path: match[2]! };
}

export const CNI_NAMES = ['cni:PATH', ...Object.keys(CNI_VERSIONS).map((version) => `cni-${version}:PATH`)];
