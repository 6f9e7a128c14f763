// Roles as JSON, from an implementation the harness did not write: every field checked, and a wrong one named
// in one line with what was expected, so a user fixes the script, not the harness.
//   {"workloads":[{"label":"a","netns":"netns1","address":"192.168.0.2"}, …], "gateway":"192.168.0.1",
//    "published":{"port":8080,"workload":"a","targetPort":5000}}
// and in dual stack each workload's "address6" with the roles' "gateway6" (the published port is both families');
// an implementation that claims property 7 adds "hairpin": {"self": "gateway", "peer": "client", "why": "…"}, one
// that publishes a UDP port (property 8) "publishedUdp": {"port":8080,"workload":"a","targetPort":5000} (and a range
// of them "publishedUdpRange": {"port":8100,"workload":"a","targetPort":5100,"count":2}), and one
// that claims property 10 "foreignFirewall": {"keeps": ["forward-drop-rule"], "why": "…"}; properties 5 and 6
// are claimed with the networks built for them, "isolation" and "internal" (besideOf).
import { isIPv6 } from 'node:net';
import { isIpv4 } from '../net/ipv4.ts';
import { FOREIGN_FIREWALLS, type ForeignFirewall } from '../world/foreign-firewall.ts';
import {
  HAIRPIN_SOURCES,
  INTERNAL_EGRESS,
  portsOf,
  type ForeignFirewallClaim,
  type Hairpin,
  type HairpinSource,
  type Internal,
  type InternalEgress,
  type Isolation,
  type Network,
  type PublishedRange,
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
    [
      'published',
      'publishedUdp',
      'publishedUdpRange',
      'gateway6',
      'hairpin',
      'foreignFirewall',
      'isolation',
      'internal',
    ],
  );
  /** One workload: {label, netns, address, address6?} */
  const workloadAt = (item: unknown, at: string): Workload => {
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
  };
  /** Every workload parsed so far, of every network, where it was given: labels and addresses must differ. */
  const given: Array<{ at: string; workload: Workload }> = [];
  /** A network's workloads and gateways, `at` the path of its fields ("" for the roles' own, "internal.") */
  const networkAt = (record: Record<string, unknown>, at: string, least: number): Network => {
    if (!Array.isArray(record.workloads) || record.workloads.length < least)
      fail(`${at}workloads must be a list of at least ${least === 1 ? 'one' : least} {label, netns, address}`);
    const workloads = (record.workloads as unknown[]).map((item, index) => {
      const workload = workloadAt(item, `${at}workloads[${index}]`);
      for (const field of ['label', 'address', 'address6'] as const) {
        const same = workload[field] && given.find((other) => other.workload[field] === workload[field]);
        if (same)
          fail(
            `${at}workloads[${index}].${field} ${field === 'label' ? `"${workload.label}"` : workload[field]} is ` +
              `also ${same.at}.${field}; ${field === 'label' ? 'labels' : 'addresses'} must differ`,
          );
      }
      given.push({ at: `${at}workloads[${index}]`, workload });
      return workload;
    });
    const gateway = address(record.gateway, `${at}gateway`);
    if (workloads.some((workload) => workload.address === gateway))
      fail(`${at}gateway ${gateway} is also a workload's address; the gateway is the bridge's own address`);
    const withV6 = workloads.find((workload) => workload.address6);
    if (withV6 && record.gateway6 === undefined)
      fail(`${at}gateway6 is missing: workload "${withV6.label}" has an address6; give the bridge's IPv6 address`);
    const gateway6 = record.gateway6 === undefined ? undefined : address6(record.gateway6, `${at}gateway6`);
    if (gateway6 && workloads.some((workload) => workload.address6 === gateway6))
      fail(`${at}gateway6 ${gateway6} is also a workload's address6; the gateway is the bridge's own address`);
    return { workloads, gateway, ...(gateway6 ? { gateway6 } : {}) };
  };
  const { workloads, gateway, gateway6 } = networkAt(roles, '', 1);
  const beside = besideOf(roles, { object, fail, networkAt });
  const base = { workloads, gateway, ...(gateway6 ? { gateway6 } : {}) };
  if (roles.hairpin !== undefined && roles.published === undefined)
    fail('hairpin is given without published: hairpin is about reaching the published port');
  /** A published port: {"port", "workload", "targetPort"}, behind one of the workloads. */
  /** A range: a published port with the number of ports from it, {"port", "workload", "targetPort", "count"}. */
  const rangeAt = (value: unknown): PublishedRange => {
    const at = 'publishedUdpRange';
    const { count, ...first } = object(value, at, ['port', 'workload', 'targetPort', 'count']);
    if (!Number.isInteger(count) || (count as number) < 2)
      fail(`${at}.count ${JSON.stringify(count)} is not a number of ports (2 or more)`);
    const range = { ...publishedAt(first, at), count: count as number };
    if (range.port + range.count - 1 > 65535 || range.targetPort + range.count - 1 > 65535)
      fail(`${at} runs past port 65535 (port ${range.port}, targetPort ${range.targetPort}, count ${range.count})`);
    if (roles.publishedUdp !== undefined && portsOf(range).some((each) => each.port === udpPort()))
      fail(`${at} takes port ${udpPort()}, which publishedUdp publishes already`);
    return range;
  };
  const udpPort = () => (roles.publishedUdp as { port?: unknown }).port;
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
  const udp = {
    ...(roles.publishedUdp === undefined ? {} : { publishedUdp: publishedAt(roles.publishedUdp, 'publishedUdp') }),
    ...(roles.publishedUdpRange === undefined ? {} : { publishedUdpRange: rangeAt(roles.publishedUdpRange) }),
  };
  const foreign =
    roles.foreignFirewall === undefined ? {} : { foreignFirewall: foreignOf(roles.foreignFirewall, object, fail) };
  if (roles.published === undefined) return { ...base, ...udp, ...foreign, ...beside };
  return {
    ...base,
    ...beside,
    published: publishedAt(roles.published, 'published'),
    ...udp,
    ...foreign,
    ...(roles.hairpin === undefined ? {} : { hairpin: hairpinOf(roles.hairpin, object, fail) }),
  };
}

/** What the claims' parsers share: the object, failure and network checks of one parse. */
interface Parsing {
  object: (value: unknown, at: string, fields: string[], optional?: string[]) => Record<string, unknown>;
  fail: (problem: string) => never;
  networkAt: (record: Record<string, unknown>, at: string, least: number) => Network;
}

/**
 * The claims of properties 5 and 6, each with its networks beside the first (two workloads at least):
 * {"isolation": {"network": {…}, "iccOff": {…}, "why"}, "internal": {"workloads", "gateway", "egress", "why"}}.
 */
function besideOf(roles: Record<string, unknown>, { object, fail, networkAt }: Parsing): Partial<Roles> {
  const why = (record: Record<string, unknown>, at: string): string =>
    typeof record.why === 'string' ? record.why : fail(`${at}.why must be a sentence (a string)`);
  const network = (value: unknown, at: string) =>
    networkAt(object(value, at, ['workloads', 'gateway'], ['gateway6']), `${at}.`, 2);
  const isolationOf = (value: unknown): Isolation => {
    const claim = object(value, 'isolation', ['why'], ['network', 'iccOff']);
    if (claim.network === undefined && claim.iccOff === undefined)
      fail('isolation must give "network" (a second network), "iccOff" (a network with icc off), or both');
    return {
      ...(claim.network === undefined ? {} : { network: network(claim.network, 'isolation.network') }),
      ...(claim.iccOff === undefined ? {} : { iccOff: network(claim.iccOff, 'isolation.iccOff') }),
      why: why(claim, 'isolation'),
    };
  };
  const internalOf = (value: unknown): Internal => {
    const claim = object(value, 'internal', ['workloads', 'gateway', 'egress', 'why'], ['gateway6']);
    const egress = INTERNAL_EGRESS.includes(claim.egress as InternalEgress)
      ? (claim.egress as InternalEgress)
      : fail(`internal.egress ${JSON.stringify(claim.egress)} is not one of ${INTERNAL_EGRESS.join(', ')}`);
    const { workloads, gateway, gateway6 } = networkAt(claim, 'internal.', 2);
    return { workloads, gateway, ...(gateway6 ? { gateway6 } : {}), egress, why: why(claim, 'internal') };
  };
  return {
    ...(roles.isolation === undefined ? {} : { isolation: isolationOf(roles.isolation) }),
    ...(roles.internal === undefined ? {} : { internal: internalOf(roles.internal) }),
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
