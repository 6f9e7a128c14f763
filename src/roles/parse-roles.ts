// Roles as JSON, from an implementation the harness did not write: every field checked, and a wrong one named
// in one line with what was expected, so a user fixes the script, not the harness.
//   {"workloads":[{"label":"a","netns":"netns1","address":"192.168.0.2"}, …], "gateway":"192.168.0.1",
//    "published":{"port":8080,"workload":"a","targetPort":5000}}
// and in dual stack each workload's "address6" with the roles' "gateway6" (the published port is both families');
// an implementation that claims property 7 adds "hairpin": {"self": "gateway", "peer": "client", "why": "…"}, one
// that publishes a UDP port (property 8) "publishedUdp": {"port":8080,"workload":"a","targetPort":5000}, and one
// that claims property 10 "foreignFirewall": {"keeps": ["forward-drop-rule"], "why": "…"}.
import { isIPv6 } from 'node:net';
import { isIpv4 } from '../net/ipv4.ts';
import { FOREIGN_FIREWALLS, type ForeignFirewall } from '../world/foreign-firewall.ts';
import {
  HAIRPIN_SOURCES,
  type ForeignFirewallClaim,
  type Hairpin,
  type HairpinSource,
  type Roles,
  type Workload,
} from './roles.ts';

export class RolesError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'RolesError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

const EXAMPLE =
  '{"workloads":[{"label":"a","netns":"netns1","address":"192.168.0.2"}],' +
  '"gateway":"192.168.0.1","published":{"port":8080,"workload":"a","targetPort":5000}}';
const NETNS = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}|\/[^\0]+)$/;

/** Parses roles JSON text; `source` names it in errors ("script:./my-setup.sh: roles"). */
export function parseRolesJson(text: string, source: string): Roles {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RolesError(source, `is not JSON (${(error as Error).message}); write an object like ${EXAMPLE}`);
  }
  return parseRoles(data, source);
}

export function parseRoles(data: unknown, source: string): Roles {
  const fail = (problem: string): never => {
    throw new RolesError(source, problem);
  };
  const object = (value: unknown, at: string, fields: string[], optional: string[] = []): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return fail(`${at} must be an object with ${fields.join(', ')}`);
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => !fields.includes(key) && !optional.includes(key));
    if (unknown)
      fail(
        `unknown field ${at === 'roles' ? '' : `${at}.`}${unknown}; allowed: ${[...fields, ...optional].join(', ')}`,
      );
    const missing = fields.find((field) => record[field] === undefined);
    if (missing) fail(`${at === 'roles' ? '' : `${at}.`}${missing} is missing`);
    return record;
  };
  const address = (value: unknown, at: string): string =>
    typeof value === 'string' && isIpv4(value)
      ? value
      : fail(`${at} ${JSON.stringify(value)} is not an IPv4 address without a prefix (like 192.168.0.2)`);
  const address6 = (value: unknown, at: string): string =>
    typeof value === 'string' && isIPv6(value)
      ? value
      : fail(`${at} ${JSON.stringify(value)} is not an IPv6 address without a prefix (like fd00:c0de::2)`);
  const port = (value: unknown, at: string): number =>
    Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
      ? (value as number)
      : fail(`${at} ${JSON.stringify(value)} is not a port (1-65535)`);

  const roles = object(
    data,
    'roles',
    ['workloads', 'gateway'],
    ['published', 'publishedUdp', 'gateway6', 'hairpin', 'foreignFirewall'],
  );
  if (!Array.isArray(roles.workloads) || roles.workloads.length === 0)
    fail('workloads must be a list of at least one {label, netns, address}');
  const workloads: Workload[] = (roles.workloads as unknown[]).map((item, index) => {
    const at = `workloads[${index}]`;
    const workload = object(item, at, ['label', 'netns', 'address'], ['address6']);
    const label =
      typeof workload.label === 'string' && /^[\w.-]{1,32}$/.test(workload.label)
        ? workload.label
        : fail(`${at}.label ${JSON.stringify(workload.label)} is not a short name (letters, digits, _ . -)`);
    const netns =
      typeof workload.netns === 'string' && NETNS.test(workload.netns)
        ? workload.netns
        : fail(
            `${at}.netns ${JSON.stringify(workload.netns)} is neither an ip netns name ` +
              `nor an absolute path like /proc/PID/ns/net`,
          );
    if (netns === 'host')
      fail(`${at}.netns "host" is reserved for the host's own namespace; a workload lives in a namespace of its own`);
    const v6 = workload.address6 === undefined ? {} : { address6: address6(workload.address6, `${at}.address6`) };
    return { label, netns, address: address(workload.address, `${at}.address`), ...v6 };
  });
  workloads.forEach((workload, index) => {
    const label = workloads.findIndex((other) => other.label === workload.label);
    if (label !== index)
      fail(`workloads[${index}].label "${workload.label}" is also workloads[${label}].label; labels must differ`);
    const same = workloads.findIndex((other) => other.address === workload.address);
    if (same !== index)
      fail(`workloads[${index}].address ${workload.address} is also workloads[${same}].address; addresses must differ`);
    const same6 = workloads.findIndex((other) => workload.address6 && other.address6 === workload.address6);
    if (workload.address6 && same6 !== index)
      fail(
        `workloads[${index}].address6 ${workload.address6} is also workloads[${same6}].address6; addresses must differ`,
      );
  });
  const gateway = address(roles.gateway, 'gateway');
  if (workloads.some((workload) => workload.address === gateway))
    fail(`gateway ${gateway} is also a workload's address; the gateway is the bridge's own address`);
  const withV6 = workloads.find((workload) => workload.address6);
  if (withV6 && roles.gateway6 === undefined)
    fail(`gateway6 is missing: workload "${withV6.label}" has an address6; give the bridge's IPv6 address`);
  const gateway6 = roles.gateway6 === undefined ? undefined : address6(roles.gateway6, 'gateway6');
  if (gateway6 && workloads.some((workload) => workload.address6 === gateway6))
    fail(`gateway6 ${gateway6} is also a workload's address6; the gateway is the bridge's own address`);
  const base = { workloads, gateway, ...(gateway6 ? { gateway6 } : {}) };
  if (roles.hairpin !== undefined && roles.published === undefined)
    fail('hairpin is given without published: hairpin is about reaching the published port');
  /** A published port: {"port", "workload", "targetPort"}, behind one of the workloads. */
  const publishedAt = (value: unknown, at: string) => {
    const published = object(value, at, ['port', 'workload', 'targetPort']);
    const behind = published.workload;
    if (!workloads.some((workload) => workload.label === behind))
      fail(
        `${at}.workload ${JSON.stringify(behind)} is not one of workloads[].label ` +
          `(${workloads.map((w) => w.label).join(', ')})`,
      );
    return {
      port: port(published.port, `${at}.port`),
      workload: behind as string,
      targetPort: port(published.targetPort, `${at}.targetPort`),
    };
  };
  const udp = roles.publishedUdp === undefined ? {} : { publishedUdp: publishedAt(roles.publishedUdp, 'publishedUdp') };
  const foreign =
    roles.foreignFirewall === undefined ? {} : { foreignFirewall: foreignOf(roles.foreignFirewall, object, fail) };
  if (roles.published === undefined) return { ...base, ...udp, ...foreign };
  return {
    ...base,
    published: publishedAt(roles.published, 'published'),
    ...udp,
    ...foreign,
    ...(roles.hairpin === undefined ? {} : { hairpin: hairpinOf(roles.hairpin, object, fail) }),
  };
}

/** The claim of property 7: {"self": "gateway", "peer": "client", "why": "…"}. */
function hairpinOf(
  value: unknown,
  object: (value: unknown, at: string, fields: string[], optional?: string[]) => Record<string, unknown>,
  fail: (problem: string) => never,
): Hairpin {
  const hairpin = object(value, 'hairpin', ['self', 'peer'], ['why']);
  const source = (at: 'self' | 'peer'): HairpinSource =>
    HAIRPIN_SOURCES.includes(hairpin[at] as HairpinSource)
      ? (hairpin[at] as HairpinSource)
      : fail(`hairpin.${at} ${JSON.stringify(hairpin[at])} is not one of ${HAIRPIN_SOURCES.join(', ')}`);
  if (hairpin.why !== undefined && typeof hairpin.why !== 'string') fail('hairpin.why must be a sentence (a string)');
  return {
    self: source('self'),
    peer: source('peer'),
    why: (hairpin.why as string | undefined) ?? 'as its roles claim',
  };
}

/** The claim of property 10: {"keeps": ["forward-drop-rule", …], "why": "…"}. */
function foreignOf(
  value: unknown,
  object: (value: unknown, at: string, fields: string[], optional?: string[]) => Record<string, unknown>,
  fail: (problem: string) => never,
): ForeignFirewallClaim {
  const claim = object(value, 'foreignFirewall', ['keeps', 'why']);
  const keeps = Array.isArray(claim.keeps) ? (claim.keeps as unknown[]) : fail('foreignFirewall.keeps must be a list');
  const unknown = keeps.find((kind) => !FOREIGN_FIREWALLS.includes(kind as ForeignFirewall));
  if (unknown !== undefined)
    fail(`foreignFirewall.keeps ${JSON.stringify(unknown)} is not one of ${FOREIGN_FIREWALLS.join(', ')}`);
  if (typeof claim.why !== 'string') fail('foreignFirewall.why must be a sentence (a string)');
  return { keeps: keeps as ForeignFirewall[], why: claim.why as string };
}
