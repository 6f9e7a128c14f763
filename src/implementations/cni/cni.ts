// A CNI network configuration list as an implementation (NETNS_IMPL=cni:PATH, cni-1.9:PATH): Debian's real
// plugins of one version, run by the harness as a runtime runs them (chain.ts). Two workloads, each in a
// namespace of its own: `web`, whose attachment carries the portMappings capability (8080 over TCP and UDP,
// and 127.0.0.1:8081, to its 5000, as `-p` asks of Docker and Podman), and `peer`. No UDP range: portmap's
// "is this rule there" check (-C) is wrong in ip6tables 1.8.9 for two rules that differ only by port, and it
// skips the second (measured with Debian bookworm's ip6tables-legacy; fixed after 1.8.9). Roles come from the ADD
// results. After judging, CHECK must agree with what ADD made, and DEL must leave nothing but what the network
// shares (kept.ts).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { callerPath } from '../../checkout.ts';
import type { Host } from '../../hosts/host.ts';
import { recipeOf } from '../../hosts/host-image.ts';
import { ensureUnpacked } from '../../hosts/debian-unpacked.ts';
import type { ForeignFirewallClaim, Hairpin, Network, Roles, Workload } from '../../roles/roles.ts';
import { HarnessSetupError } from '../../setup-error.ts';
import { APART, besideWorkloads } from '../beside-networks.ts';
import { LOOPBACK_PUBLISHED, PUBLISHED, publishedBy } from '../container-engine.ts';
import {
  ImplementationError,
  type HostNeeds,
  type Implementation,
  type ImplementationKind,
} from '../implementation.ts';
import { ipv6Settled } from '../ipv6-settled.ts';
import { pathWithIptables } from '../iptables-on-path.ts';
import { apartConflist, ISOLATION_KEPT, ISOLATION_WHY, keepsBridgesApart } from './apart.ts';
import { add, check, CniError, del, type Attachment, type CniResult, type Runtime } from './chain.ts';
import { readConflist, type Conflist } from './conflist.ts';
import { keptAfterDel } from './kept.ts';
import { CNI_NAMES, CNI_PACKAGE, CNI_VERSIONS, cniIdParts, PLUGIN_DIR } from './versions.ts';

const PORT_MAPPINGS = [
  { hostPort: PUBLISHED.port, containerPort: PUBLISHED.targetPort, protocol: 'tcp' },
  { hostPort: PUBLISHED.port, containerPort: PUBLISHED.targetPort, protocol: 'udp' },
  { hostPort: LOOPBACK_PUBLISHED.port, containerPort: PUBLISHED.targetPort, protocol: 'tcp', hostIP: '127.0.0.1' },
];
/** a workload to attach: its label (and namespace), and what it asks of the chain's capabilities */
interface Planned {
  label: string;
  capabilityArgs: Record<string, unknown>;
}
const WORKLOADS: Planned[] = [
  { label: 'web', capabilityArgs: { portMappings: PORT_MAPPINGS } },
  { label: 'peer', capabilityArgs: {} },
];
// a runtime brings each workload's loopback up with the loopback plugin, outside the network's own list (CRI-O)
const LOOPBACK: Conflist = { cniVersion: '1.0.0', name: 'cni-loopback', plugins: [{ type: 'loopback' }] };
/** where host-local keeps its addresses: a tmpfs on /var/lib inside the host, so the machine's is never touched */
const STATE = '/var/lib/cni';
/** A container host of the version's Debian suite with the package installed, as Docker's and Podman's are. */
function cniHost(version: string): HostNeeds {
  const name = `cni-${version}`;
  return { recipe: recipeOf(name, CNI_VERSIONS[version]!.suite) };
}

interface Attached {
  label: string;
  /** the chain of its network: the user's, or the one derived for property 5 */
  conflist: Conflist;
  attachment: Attachment;
  result?: CniResult;
  loopback: Attachment;
}

/** Property 10, as the firewall plugin makes it (examples/cni/bridge.conflist; measured: 4-inbound fails) */
const CNI_FOREIGN: ForeignFirewallClaim = {
  keeps: [],
  why:
    "the firewall plugin's CNI-FORWARD, jumped to from the top of FORWARD, accepts what a workload sends and what " +
    "answers it, but no new connection to a published port: that relies on the policy. Another program's nft chain " +
    'on the forward hook drops beside its iptables rules',
};

/** Property 7, as portmap and the bridge plugin make it (examples/cni/bridge.conflist) */
const CNI_HAIRPIN: Hairpin = {
  self: 'gateway',
  peer: 'gateway',
  why:
    "portmap masquerades what comes from the workload's network (its snat, the default: the rule's source is the " +
    "workload's address with the network's mask), and the bridge's hairpinMode lets a workload's DNATed frames " +
    'back out its own port',
};

/** The workload's addresses in the ADD result: those on its own interface (the one with a sandbox). */
function workloadOf(label: string, result: CniResult, id: string): Workload {
  const { interfaces = [], ips = [] } = result as {
    interfaces?: Array<{ sandbox?: string }>;
    ips?: Array<{ address: string; interface?: number }>;
  };
  const own = ips
    .filter((ip) => ip.interface === undefined || interfaces[ip.interface]?.sandbox)
    .map((ip) => ip.address.split('/')[0]!);
  const address = own.find((ip) => !ip.includes(':'));
  const address6 = own.find((ip) => ip.includes(':'));
  if (!address)
    throw new ImplementationError(id, `the chain's ADD gave ${label} no IPv4 address (${JSON.stringify(ips)})`);
  return { label, netns: label, address, ...(address6 ? { address6 } : {}) };
}

function gatewayOf(result: CniResult, family: 'ipv4' | 'ipv6'): string | undefined {
  const { ips = [] } = result as { ips?: Array<{ address: string; gateway?: string }> };
  return ips.find((ip) => ip.gateway && ip.address.includes(':') === (family === 'ipv6'))?.gateway;
}

/** A network's workloads and gateways from their ADD results (the first's gateways); IPv6 ones in a world with it. */
function networkOf(attached: Attached[], ipv6: boolean, id: string): Network {
  const [first] = attached;
  const gateway = gatewayOf(first!.result!, 'ipv4');
  if (!gateway) throw new ImplementationError(id, `the chain's ADD named no IPv4 gateway for ${first!.label}`);
  const gateway6 = ipv6 ? gatewayOf(first!.result!, 'ipv6') : undefined;
  const workloads = attached.map((one) => workloadOf(one.label, one.result!, id));
  return {
    workloads: gateway6 ? workloads : workloads.map(({ address6: _, ...workload }) => workload),
    gateway,
    ...(gateway6 ? { gateway6 } : {}),
  };
}

/** A plugin's refusal is the implementation's failure, in its own words. */
async function asImplementation<T>(id: string, step: Promise<T>): Promise<T> {
  return step.catch((error: unknown) => {
    throw error instanceof CniError ? new ImplementationError(id, error.message) : error;
  });
}

export function cniImplementation(id: string, version: string, path: string): Implementation {
  const conflist = readConflist(path, id);
  const it = CNI_VERSIONS[version]!;
  const attached: Attached[] = [];
  let runtime: Runtime | undefined;
  // a second network, when the chain keeps bridges apart (property 5)
  const apartChain = keepsBridgesApart(conflist) ? apartConflist(conflist, id) : undefined;
  const publishes = conflist.plugins.some((plugin) => plugin.capabilities?.portMappings);
  // a version's known CHECK failure is its plugin's: a chain without that plugin must agree
  const knownCheckFailure = conflist.plugins.some((plugin) => plugin.type === it.knownCheckFailure?.plugin)
    ? it.knownCheckFailure
    : undefined;

  async function pluginDir(host: Host): Promise<string> {
    if (host.backend === 'container') return `/${PLUGIN_DIR}`;
    return join((await ensureUnpacked({ name: CNI_PACKAGE, suite: it.suite })).root, PLUGIN_DIR);
  }

  return {
    id,
    async setUp({ host, world, iptables }) {
      await host.exec(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'netns-conformance-cni', '/var/lib']);
      // the plugins write with the cell's iptables
      runtime = { host, pluginDir: await pluginDir(host), path: await pathWithIptables(host, iptables) };
      /** each workload in a namespace of its own, attached in turn, so each gets the same address every run */
      const attachAll = async (workloads: Planned[], chain: Conflist): Promise<Attached[]> => {
        const network: Attached[] = [];
        for (const { label, capabilityArgs } of workloads) {
          await host.exec(['ip', 'netns', 'add', label]);
          const netns = `/run/netns/${label}`;
          const one: Attached = {
            label,
            conflist: chain,
            attachment: { containerId: `netns-conformance-${label}`, netns, ifname: 'eth0', capabilityArgs },
            loopback: { containerId: `netns-conformance-${label}`, netns, ifname: 'lo', capabilityArgs: {} },
          };
          attached.push(one); // removed by remove(), also when a later ADD fails
          await asImplementation(id, add(runtime!, LOOPBACK, one.loopback));
          one.result = await asImplementation(id, add(runtime!, chain, one.attachment));
          network.push(one);
        }
        return network;
      };
      const ipv6 = world.families.includes('ipv6');
      const main = networkOf(await attachAll(WORKLOADS, conflist), ipv6, id);
      const apart = apartChain
        ? networkOf(
            await attachAll(
              besideWorkloads(APART).map((label) => ({ label, capabilityArgs: {} })),
              apartChain,
            ),
            ipv6,
            id,
          )
        : undefined;
      const roles: Roles = {
        ...main,
        ...(apart ? { isolation: { network: apart, why: ISOLATION_WHY } } : {}),
        ...(publishes ? { ...publishedBy('web', { range: false }), hairpin: CNI_HAIRPIN } : {}),
        foreignFirewall: CNI_FOREIGN,
      };
      if (main.gateway6) await ipv6Settled(host, id, roles);
      return roles;
    },
    async selfCheck() {
      const said: string[] = [];
      for (const one of attached.filter((each) => each.result))
        await check(runtime!, one.conflist, one.attachment, one.result!).catch((error: unknown) => {
          if (!(error instanceof CniError)) throw error;
          said.push(`${one.label}: ${error.message}`);
        });
      return {
        ...(said.length ? { said: said.join('; ') } : {}),
        ...(knownCheckFailure ? { knownFailure: knownCheckFailure } : {}),
      };
    },
    async remove(host) {
      for (const one of [...attached].reverse()) {
        await asImplementation(id, del(runtime!, one.conflist, one.attachment, one.result));
        await asImplementation(id, del(runtime!, LOOPBACK, one.loopback, undefined));
        await host.exec(['ip', 'netns', 'delete', one.label]);
      }
      attached.length = 0;
    },
    keptAfterRemove: [...keptAfterDel(conflist), ...(apartChain ? [...keptAfterDel(apartChain), ISOLATION_KEPT] : [])],
    stateFolders: [STATE],
  };
}

/** NETNS_IMPL=cni:PATH (Debian stable's plugins, 1.1), cni-1.1:PATH, cni-1.9:PATH */
export const cniKind: ImplementationKind = {
  kind: 'cni',
  names: CNI_NAMES,
  read: (id, env) => {
    const parts = cniIdParts(id);
    if (!parts) return undefined;
    if (!Object.hasOwn(CNI_VERSIONS, parts.version))
      throw new HarnessSetupError(
        `NETNS_IMPL=${id}: no CNI plugins ${parts.version} here; known: ${Object.keys(CNI_VERSIONS).join(', ')}`,
      );
    const path = callerPath(parts.path, env);
    if (!parts.path || !existsSync(path) || !statSync(path).isFile())
      throw new HarnessSetupError(
        `NETNS_IMPL=${id}: ${parts.path ? `no such file ${path}` : 'no path after the colon'}; ` +
          'give the path of a conflist, like cni:examples/cni/bridge.conflist',
      );
    readConflist(path, id); // a wrong conflist is bad input: one line now, not a failed cell later
    return {
      argument: path,
      golden: false,
      host: cniHost(parts.version),
      machinePackages: [{ name: CNI_PACKAGE, suite: CNI_VERSIONS[parts.version]!.suite }],
      lifecycle: ['check', 'remove'],
    };
  },
  make: (ref) => cniImplementation(ref.id, cniIdParts(ref.id)!.version, ref.argument),
};
