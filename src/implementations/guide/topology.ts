// The guide's topology is data: names, addresses and prefixes (fixtures/topologies/*.json). This module loads it,
// resolves `extends`, and rejects a malformed one with a one-line error naming the field and the fix.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { contains, isIpv4, networkOf, parseCidr, type Cidr } from '../../net/ipv4.ts';
import { contains6, networkOf6, parseCidr6 } from '../../net/ipv6.ts';
import { WORLD_IPV6, type Family, type World } from '../../world/world.ts';
import { STEP_IDS, type StepId } from './step-ids.ts';
import { inCheckout } from '../../checkout.ts';

export interface NamespaceSpec {
  name: string;
  /** the veth end that stays in the host and becomes a port of the bridge (veth0) */
  hostLink: string;
  /** the veth end inside the namespace (ceth0) */
  link: string;
  /** address/prefix of `link` (192.168.0.2/16) */
  address: string;
  /** its IPv6 address/prefix, in a dual-stack topology (fd00:192:168::2/64) */
  address6?: string;
}

/** The guide's configuration (bridge, namespaces, server) and the world it sits in (uplink, internet). */
export interface Topology extends World {
  /** where it was loaded from, for messages */
  source: string;
  /** address6: the bridge's IPv6 address/prefix in a dual-stack topology, the namespaces' IPv6 gateway */
  bridge: { name: string; address: string; address6?: string };
  namespaces: NamespaceSpec[];
  server: { namespace: string; port: number };
  omitSteps: StepId[];
}

export class TopologyError extends Error {
  constructor(source: string, problem: string) {
    super(`topology ${source}: ${problem}`);
    this.name = 'TopologyError';
  }
}

export const DEFAULT_TOPOLOGY = inCheckout('fixtures/topologies/guide.json');

/** NETNS_TOPOLOGY: the topology file a run loads (default: the guide's). */
export function topologyPath(env = process.env): string {
  return env.NETNS_TOPOLOGY ? resolve(env.NETNS_TOPOLOGY) : DEFAULT_TOPOLOGY;
}

/** Loads and validates a topology file (default: the guide's). */
export function loadTopology(path: string = DEFAULT_TOPOLOGY): Topology {
  return parseTopology(readJson(path, new Set()), path);
}

function readJson(path: string, seen: Set<string>): Record<string, unknown> {
  const file = resolve(path);
  if (seen.has(file)) throw new TopologyError(path, `"extends" loops back to ${file}; remove the cycle`);
  seen.add(file);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new TopologyError(
      path,
      `cannot read it (${reason}); point NETNS_TOPOLOGY at a JSON file like fixtures/topologies/guide.json`,
    );
  }
  if (!isObject(data)) throw new TopologyError(path, 'is not a JSON object; see fixtures/topologies/guide.json');
  const { extends: base, ...own } = data;
  if (base === undefined) return own;
  if (typeof base !== 'string') throw new TopologyError(path, '"extends" must be a file name, like "guide.json"');
  return { ...readJson(resolve(dirname(file), base), seen), ...own };
}

/** Validates parsed topology data; `source` names it in errors. */
export function parseTopology(data: Record<string, unknown>, source: string): Topology {
  const check = new Checker(source);
  check.keys(data, '', ['$comment', 'bridge', 'namespaces', 'uplink', 'internet', 'server', 'omitSteps']);
  const bridge = check.object(data, 'bridge', ['name', 'address'], ['address6']);
  const bridgeNet = check.cidr(bridge, 'bridge.address');
  const bridgeNet6 = bridge.address6 === undefined ? undefined : check.cidr6(bridge, 'bridge.address6');
  const namespaces = check.array(data, 'namespaces').map((item, index): NamespaceSpec => {
    const at = `namespaces[${index}]`;
    const ns = check.objectValue(item, at, ['name', 'hostLink', 'link', 'address'], ['address6']);
    const address = check.cidr(ns, `${at}.address`);
    if (!contains(bridgeNet, address.address))
      check.fail(
        `${at}.address ${address.address} is outside the bridge's network ${bridge.address}; pick an address in it`,
      );
    return {
      name: check.name(ns, `${at}.name`),
      hostLink: check.link(ns, `${at}.hostLink`),
      link: check.link(ns, `${at}.link`),
      address: `${address.address}/${address.prefix}`,
      ...(bridgeNet6 || ns.address6 !== undefined ? { address6: address6Of(check, ns, at, bridgeNet6, bridge) } : {}),
    };
  });
  if (namespaces.length === 0) check.fail('namespaces is empty; list at least one namespace (the guide has netns1)');
  const bridgeAddress = parseCidr(String(bridge.address))!.address;
  namespaces.forEach((ns, index) => {
    const address = addressOf(ns.address);
    if (address === bridgeAddress)
      check.fail(
        `namespaces[${index}].address ${address} is the bridge's own address; ` +
          `give the namespace another address in ${bridge.address}`,
      );
    const first = namespaces.findIndex((other) => other.name === ns.name);
    if (first !== index)
      check.fail(
        `namespaces[${index}].name "${ns.name}" is also namespaces[${first}].name; every namespace needs its own name`,
      );
    const same = namespaces.findIndex((other) => addressOf(other.address) === address);
    if (same !== index)
      check.fail(
        `namespaces[${index}].address ${address} is also namespaces[${same}].address; ` +
          `every namespace needs its own address`,
      );
  });
  const uplink = check.object(data, 'uplink', ['name', 'address', 'gateway']);
  const uplinkNet = check.cidr(uplink, 'uplink.address');
  const gateway = check.ipv4(uplink, 'uplink.gateway');
  if (!contains(uplinkNet, gateway))
    check.fail(`uplink.gateway ${gateway} is outside ${uplink.address}; the gateway must be on the uplink's network`);
  const internet = check.object(data, 'internet', ['namespace', 'link', 'publicHost', 'outsideClient', 'neighbour']);
  // "host" names the host's own namespace in probes and reports; the internet's namespace is the world's
  const reserved = ['host', String(internet.namespace)];
  namespaces.forEach((ns, index) => {
    if (reserved.includes(ns.name))
      check.fail(
        `namespaces[${index}].name "${ns.name}" is reserved ` +
          `(${reserved.map((name) => `"${name}"`).join(', ')} name the host and the simulated internet); ` +
          `pick another name`,
      );
  });
  const outside = ['publicHost', 'outsideClient'].map((key) => {
    const address = check.ipv4(internet, `internet.${key}`);
    if (contains(bridgeNet, address) || contains(uplinkNet, address))
      check.fail(
        `internet.${key} ${address} is inside the bridge's or the uplink's network; ` +
          `the internet's hosts must be outside both`,
      );
    return address;
  });
  const neighbour = check.ipv4(internet, 'internet.neighbour');
  if (!contains(uplinkNet, neighbour) || [gateway, addressOf(String(uplink.address))].includes(neighbour)) {
    check.fail(
      `internet.neighbour ${neighbour} must be another address on the uplink's network ${uplink.address} ` +
        `(not the gateway's or the host's)`,
    );
  }
  const server = check.object(data, 'server', ['namespace', 'port']);
  const serverNs = check.name(server, 'server.namespace');
  if (!namespaces.some((ns) => ns.name === serverNs))
    check.fail(
      `server.namespace "${serverNs}" is not one of namespaces[].name (${namespaces.map((ns) => ns.name).join(', ')})`,
    );
  const port = server.port;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
    check.fail(`server.port ${JSON.stringify(port)} is not a TCP port (1-65535)`);
  const omitSteps = (data.omitSteps ?? []) as unknown[];
  if (!Array.isArray(omitSteps)) check.fail('omitSteps must be a list of step ids');
  for (const id of omitSteps)
    if (!STEP_IDS.includes(id as StepId))
      check.fail(`omitSteps has unknown step ${JSON.stringify(id)}; known steps: ${STEP_IDS.join(', ')}`);
  const names = [bridge.name, uplink.name, ...namespaces.flatMap((ns) => [ns.hostLink])];
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate)
    check.fail(`link name "${duplicate}" is used twice in the host; every host-side link needs its own name`);
  return {
    source,
    bridge: {
      name: check.link(bridge, 'bridge.name'),
      address: String(bridge.address),
      ...(bridgeNet6 ? { address6: String(bridge.address6) } : {}),
    },
    namespaces,
    uplink: { name: check.link(uplink, 'uplink.name'), address: String(uplink.address), gateway },
    internet: {
      namespace: check.name(internet, 'internet.namespace'),
      link: check.link(internet, 'internet.link'),
      publicHost: outside[0]!,
      outsideClient: outside[1]!,
      neighbour,
    },
    ipv6: WORLD_IPV6,
    families: ['ipv4'],
    server: { namespace: serverNs, port: port as number },
    omitSteps: omitSteps as StepId[],
  };
}

/** A namespace's IPv6 address: given exactly when the bridge has one, inside its network, not its address. */
function address6Of(
  check: Checker,
  ns: Record<string, unknown>,
  at: string,
  bridgeNet6: Cidr | undefined,
  bridge: Record<string, unknown>,
): string {
  if (!bridgeNet6)
    check.fail(`${at}.address6 is given but bridge.address6 is not; give the bridge an IPv6 address too, or neither`);
  if (ns.address6 === undefined)
    check.fail(`${at}.address6 is missing while bridge.address6 is given; give every namespace one, or none`);
  const address = check.cidr6(ns, `${at}.address6`);
  if (!contains6(bridgeNet6, address.address) || address.address === bridgeNet6.address)
    check.fail(
      `${at}.address6 ${address.address} is outside the bridge's IPv6 network ${bridge.address6} ` +
        `or is the bridge's own; pick another address in it`,
    );
  return `${address.address}/${address.prefix}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field checks that throw a TopologyError naming the field; each returns the checked value. */
class Checker {
  readonly #source: string;
  constructor(source: string) {
    this.#source = source;
  }

  fail(problem: string): never {
    throw new TopologyError(this.#source, problem);
  }

  keys(data: Record<string, unknown>, at: string, allowed: string[]): void {
    const unknown = Object.keys(data).find((key) => !allowed.includes(key));
    if (unknown) this.fail(`unknown field ${at ? `${at}.` : ''}${unknown}; allowed: ${allowed.join(', ')}`);
  }

  objectValue(value: unknown, at: string, fields: string[], optional: string[] = []): Record<string, unknown> {
    if (!isObject(value)) this.fail(`${at} must be an object with ${fields.join(', ')}`);
    this.keys(value, at, [...fields, ...optional]);
    const missing = fields.find((field) => value[field] === undefined);
    if (missing) this.fail(`${at}.${missing} is missing`);
    return value;
  }

  object(data: Record<string, unknown>, key: string, fields: string[], optional: string[] = []) {
    return this.objectValue(data[key], key, fields, optional);
  }

  array(data: Record<string, unknown>, key: string): unknown[] {
    const value = data[key];
    if (!Array.isArray(value)) this.fail(`${key} must be a list`);
    return value;
  }

  cidr(data: Record<string, unknown>, at: string) {
    const value = data[at.split('.').pop()!];
    const cidr = typeof value === 'string' ? parseCidr(value) : undefined;
    if (!cidr) this.fail(`${at} ${JSON.stringify(value)} is not an IPv4 address with a prefix (like 192.168.0.1/16)`);
    return cidr;
  }

  cidr6(data: Record<string, unknown>, at: string): Cidr {
    const value = data[at.split('.').pop()!];
    const cidr = typeof value === 'string' ? parseCidr6(value) : undefined;
    if (!cidr)
      this.fail(`${at} ${JSON.stringify(value)} is not an IPv6 address with a prefix (like fd00:192:168::1/64)`);
    return cidr;
  }

  ipv4(data: Record<string, unknown>, at: string): string {
    const value = data[at.split('.').pop()!];
    if (typeof value !== 'string' || !isIpv4(value))
      this.fail(`${at} ${JSON.stringify(value)} is not an IPv4 address (like 8.8.8.8)`);
    return value;
  }

  name(data: Record<string, unknown>, at: string): string {
    const value = data[at.split('.').pop()!];
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value))
      this.fail(`${at} ${JSON.stringify(value)} is not a namespace name (letters, digits, _ . -)`);
    return value;
  }

  /** Linux interface names: at most 15 bytes, no slash or space. */
  link(data: Record<string, unknown>, at: string): string {
    const value = data[at.split('.').pop()!];
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(value))
      this.fail(`${at} ${JSON.stringify(value)} is not a link name (1-15 of letters, digits, _ . -)`);
    return value;
  }
}

/** True when the guide builds IPv6 too: its run judges IPv6 and its topology gives the bridge an IPv6 address. */
export const dualStack = (topology: Topology): boolean =>
  topology.families.includes('ipv6') && topology.bridge.address6 !== undefined;

/** A step's words for its IPv6 twin, in dual stack only: " and fd00:192:168::1/64". */
export const andIpv6 = (topology: Topology, words: () => string): string =>
  dualStack(topology) ? ` and ${words()}` : '';

/** The families the guide builds its NAT rules in: IPv4, and IPv6 in dual stack. */
export const builtFamilies = (topology: Topology): Family[] => (dualStack(topology) ? ['ipv4', 'ipv6'] : ['ipv4']);

/** The bridge's network in a family: 192.168.0.0/16, fd00:192:168::/64. */
export const bridgeNetwork = ({ bridge }: Topology, family: Family): string =>
  family === 'ipv6' ? networkOf6(parseCidr6(bridge.address6!)!) : networkOf(parseCidr(bridge.address)!);

/** A namespace's address in a family, without its prefix. */
export const namespaceAddress = (ns: NamespaceSpec, family: Family): string =>
  addressOf(family === 'ipv6' ? ns.address6! : ns.address);

/** The address part of "192.168.0.2/16". */
export function addressOf(cidr: string): string {
  return cidr.split('/')[0]!;
}

/** A namespace of the topology by name; throws naming the known ones. */
export function namespaceOf(topology: Topology, name: string): NamespaceSpec {
  const ns = topology.namespaces.find((candidate) => candidate.name === name);
  if (!ns)
    throw new TopologyError(
      topology.source,
      `has no namespace "${name}" (has ${topology.namespaces.map((n) => n.name).join(', ')})`,
    );
  return ns;
}
