// LXC's own bridge networking as an implementation: the real `lxc-net start` of one Debian version (lxcbr0,
// 10.0.3.0/24, its dnsmasq, its firewall rules), with its own defaults, in a container host of its own; the cell's
// firewall backend decides what it writes, through its documented switch (LXC_USE_NFT in /etc/default/lxc-net):
// native nft in an nft cell, else iptables of the cell's kind. Two workloads attached as LXC's veth network type
// attaches a container (a veth on lxcbr0, LXC's 00:16:3e MAC prefix), each taking its address from lxc-net's
// dnsmasq by DHCP as a container's own init would. lxc-net publishes no port; 6.0's default gives IPv6 by router
// advertisement, 5.0's none (versions.ts).
//
//   [web] 10.0.3.x (DHCP)   [peer] 10.0.3.y (DHCP)
//           \\                 /
//   [LXC host] lxcbr0 10.0.3.1, dnsmasq, lxc-net's rules; eth0 172.31.8.154 --- [internet]
import { HOST_SCRATCH, type Host } from '../../hosts/host.ts';
import { recipeOf } from '../../hosts/host-image.ts';
import { writeHostFile } from '../../hosts/host-file.ts';
import { iptablesOf, type Firewall } from '../../net/firewall.ts';
import type { ForeignFirewallClaim, Roles, Workload } from '../../roles/roles.ts';
import { engineRulesets } from '../engine-rulesets.ts';
import {
  ImplementationError,
  type HostNeeds,
  type Implementation,
  type ImplementationKind,
} from '../implementation.ts';
import { pathWithIptables } from '../iptables-on-path.ts';
import { ipv6Settled } from '../ipv6-settled.ts';
import { forwardingKept } from '../kept-by-design.ts';
import { waitUntil } from '../../wait.ts';
import { LXC_IDS, LXC_PREFIX, LXC_VERSIONS, lxcVersionOf } from './versions.ts';

/** Property 10, as lxc-net makes it (measured): in IPv4 alone, and with its IPv6 (6.0's default) */
const LXC_FOREIGN = (ipv6: boolean): ForeignFirewallClaim => ({
  keeps: ipv6 ? [] : ['forward-drop-rule', 'forward-drop-policy'],
  why:
    'lxc-net inserts ACCEPT rules for lxcbr0 at the top of iptables FORWARD, ahead of another rule or the policy' +
    (ipv6 ? ", but none in ip6tables FORWARD: its IPv6 relies on that chain's policy" : '') +
    ". Another program's nft chain on the forward hook drops beside its iptables rules",
});

const LXC_NET = '/usr/libexec/lxc/lxc-net';
const BRIDGE = 'lxcbr0';
/** where dnsmasq keeps its leases */
const LEASES = '/var/lib/misc';
const WORKLOADS = ['web', 'peer'];
// busybox's DHCP client hands the lease to this script, which applies it as a container's network scripts would
const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  bound|renew)
    ip address add "$ip/$mask" dev "$interface"
    ip route replace default via "\${router%% *}" ;;
esac
`;

function lxcHost(version: string): HostNeeds {
  const name = `${LXC_PREFIX}${version}`;
  return { recipe: recipeOf(name, LXC_VERSIONS[version]!.suite) };
}

/** LXC's veth network type: a veth whose host end is a port of the bridge, the container's end its eth0. */
async function attach(host: Host, label: string, index: number): Promise<void> {
  await host.exec(['ip', 'netns', 'add', label]);
  await host.exec(['ip', 'link', 'add', `veth${label}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', label]);
  await host.exec(['ip', 'link', 'set', `veth${label}`, 'master', BRIDGE, 'up']);
  const mac = `00:16:3e:00:00:${String(index + 1).padStart(2, '0')}`; // lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
  await host.exec(['ip', 'link', 'set', 'eth0', 'address', mac, 'up'], { ns: label });
  await host.exec(['ip', 'link', 'set', 'lo', 'up'], { ns: label });
}

/** The link's global addresses of one family (IPv6: SLAAC's included, tentative or not). */
async function addressesOn(host: Host, ns: string | undefined, link: string, family: '-4' | '-6'): Promise<string[]> {
  const shown = await host.exec(['ip', '-j', family, 'address', 'show', link, 'scope', 'global'], ns ? { ns } : {});
  return (JSON.parse(shown.stdout || '[]') as Array<{ addr_info: Array<{ local: string }> }>).flatMap((each) =>
    each.addr_info.map((address) => address.local),
  );
}

/** Its address by DHCP from lxc-net's dnsmasq, applied by the client's script. */
async function leaseFor(host: Host, id: string, label: string, script: string): Promise<Workload> {
  const client = await host.exec(
    ['busybox', 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '10', '-T', '2', '-s', script],
    { ns: label, expectExit: 'any', timeoutMs: 60_000 },
  );
  const [address] = await addressesOn(host, label, 'eth0', '-4');
  if (client.exitCode !== 0 || !address)
    throw new ImplementationError(
      id,
      `${label} got no address from lxc-net's dnsmasq by DHCP: ${(client.stderr || client.stdout).trim()}`,
    );
  return { label, netns: label, address };
}

export function lxcImplementation(version: string): Implementation {
  const id = `${LXC_PREFIX}${version}`;
  let cellFirewall: Firewall | undefined;
  /** start's PATH (the cell's iptables first), so that stop removes with the same tool */
  let lxcNetPath: string | undefined;
  return {
    id,
    async unavailable(host) {
      return host.backend === 'container'
        ? undefined
        : `${id}'s lxc-net reads /etc/default/lxc-net and runs dnsmasq as a daemon; ` +
            'it runs in a container host of its own: run it with NETNS_HOST=container';
    },
    async setUp({ host, world, iptables, firewall }) {
      cellFirewall = firewall;
      // the documented switch: lxc-net writes native nft when it may and nft works, else iptables
      await host.exec(['sh', '-c', 'echo "LXC_USE_NFT=\\"$0\\"" >> /etc/default/lxc-net', String(firewall === 'nft')]);
      lxcNetPath = await pathWithIptables(host, iptables);
      const started = await host.exec(['env', `PATH=${lxcNetPath}`, LXC_NET, 'start'], { expectExit: 'any' });
      if (started.exitCode !== 0)
        throw new ImplementationError(
          id,
          `lxc-net start exited ${started.exitCode}: ${(started.stderr || started.stdout).trim().split('\n').at(-1)}`,
        );
      const script = `${HOST_SCRATCH}/lxc/udhcpc.sh`;
      await writeHostFile(host, script, UDHCPC_SCRIPT, { executable: true });
      const workloads: Workload[] = [];
      for (const [index, label] of WORKLOADS.entries()) {
        await attach(host, label, index);
        workloads.push(await leaseFor(host, id, label, script));
      }
      const route = await host.exec(['ip', '-j', 'route', 'show', 'default'], { ns: WORKLOADS[0]! });
      const gateway = (JSON.parse(route.stdout) as Array<{ gateway?: string }>)[0]?.gateway;
      if (!gateway) throw new ImplementationError(id, "web's lease named no router");
      if (!(world.families.includes('ipv6') && LXC_VERSIONS[version]!.ipv6.by))
        return { workloads, gateway, foreignFirewall: LXC_FOREIGN(false) };
      // IPv6 comes by router advertisement (SLAAC): each workload's address once it has one, and the bridge's
      const gateway6 = (await addressesOn(host, undefined, BRIDGE, '-6'))[0];
      if (!gateway6) throw new ImplementationError(id, `${BRIDGE} has no global IPv6 address after lxc-net start`);
      for (const workload of workloads) {
        const [address6] = await waitUntil(
          () => addressesOn(host, workload.netns, 'eth0', '-6'),
          (addresses) => addresses.length > 0,
          { what: `${workload.label}'s IPv6 address from lxc-net's router advertisements`, deadlineMs: 20_000 },
        );
        workload.address6 = address6;
      }
      const roles: Roles = { workloads, gateway, gateway6, foreignFirewall: LXC_FOREIGN(true) };
      await ipv6Settled(host, id, roles);
      return roles;
    },
    // lxc-net's rules, from the view the cell wrote them with
    async rulesets(host) {
      // 6.0's NAT66 is in ip6tables in an iptables cell; 5.0 writes none there
      const { nft, ...saved } = await engineRulesets(host, LXC_VERSIONS[version]!.ipv6.by, cellFirewall);
      if (cellFirewall === 'nft') return { 'nft.nft': nft! };
      return Object.fromEntries(Object.entries(saved).map(([name, text]) => [`${cellFirewall}.${name}`, text]));
    },
    async remove(host) {
      // as LXC stops a container: its veth goes with it, at once (a namespace's links go later, in the kernel's
      // own time, and lxc-net stop keeps a bridge that still has ports)
      for (const label of WORKLOADS) {
        await host.exec(['ip', 'link', 'delete', `veth${label}`]);
        await host.exec(['ip', 'netns', 'delete', label]);
      }
      const stopped = await host.exec(['env', `PATH=${lxcNetPath}`, LXC_NET, 'stop'], { expectExit: 'any' });
      if (stopped.exitCode !== 0)
        throw new ImplementationError(id, `lxc-net stop exited ${stopped.exitCode}: ${stopped.stderr.trim()}`);
    },
    keptAfterRemove: [
      forwardingKept(
        'lxc-net start turns forwarding on (6.0: IPv6 too); its stop leaves it on (other bridges may rely on it)',
      ),
      {
        matches: new RegExp(`^file ${LEASES}/dnsmasq\\.${BRIDGE}\\.leases$`),
        why: "dnsmasq's lease file outlives it, so that a restart hands out the same addresses",
      },
    ],
    stateFolders: [LEASES],
  };
}

/** NETNS_IMPL=lxc-5.0, lxc-6.0 */
export const lxcKind: ImplementationKind = {
  kind: 'lxc',
  names: LXC_IDS,
  read: (id) => {
    const version = lxcVersionOf(id);
    return version
      ? { argument: version, host: lxcHost(version), golden: true, lifecycle: ['remove'] as const }
      : undefined;
  },
  make: (ref) => lxcImplementation(ref.argument),
};
