// A user's own setup script as an implementation (NETNS_IMPL=script:PATH). The contract, also in the README:
// the harness builds the simulated internet and sets the host's net.ipv4.ip_forward=0, then runs `bash PATH`
// in the host's own namespace with NC_UPLINK, NC_UPLINK_ADDRESS, NC_GATEWAY, NC_PUBLIC_HOST,
// NC_OUTSIDE_CLIENT, NC_IPTABLES, NC_FIREWALL and NC_ROLES; the script builds what it likes and writes its roles,
// as JSON, to the file NC_ROLES names.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { callerPath } from '../checkout.ts';
import { ipv6Settled } from './ipv6-settled.ts';
import { HOST_SCRATCH, type Host } from '../hosts/host.ts';
import { writeHostFile } from '../hosts/host-file.ts';
import { parseRolesJson } from '../roles/parse-roles.ts';
import { everyWorkload, type Roles } from '../roles/roles.ts';
import {
  ImplementationError,
  type Implementation,
  type ImplementationKind,
  type SetUpContext,
} from './implementation.ts';
import { ip6tablesOf } from '../net/firewall.ts';
import { paced } from '../pace.ts';
import { HarnessSetupError } from '../setup-error.ts';

export const SCRIPT_PREFIX = 'script:';
/** how long a setup script may take */
const SCRIPT_TIMEOUT_MS = 120_000; // on a quiet machine: it stretches with the machine's load

/** id: 'script:' and the path as the user gave it; path: where the file is on this machine. */
export function scriptImplementation(id: string, path: string): Implementation {
  return {
    id,
    async setUp({ host, world, iptables, firewall }: SetUpContext): Promise<Roles> {
      const script = `${HOST_SCRATCH}/implementation/${basename(path)}`;
      const rolesFile = `${HOST_SCRATCH}/implementation/roles.json`;
      await writeHostFile(host, script, readFileSync(path, 'utf8'));
      const env = {
        NC_UPLINK: world.uplink.name,
        NC_UPLINK_ADDRESS: world.uplink.address,
        NC_GATEWAY: world.uplink.gateway,
        NC_PUBLIC_HOST: world.internet.publicHost,
        NC_OUTSIDE_CLIENT: world.internet.outsideClient,
        // the IPv6 world's, given whichever families are judged: a dual-stack script needs no second mode
        NC_UPLINK_ADDRESS6: world.ipv6.uplinkAddress,
        NC_GATEWAY6: world.ipv6.gateway,
        NC_PUBLIC_HOST6: world.ipv6.publicHost,
        NC_OUTSIDE_CLIENT6: world.ipv6.outsideClient,
        NC_FAMILIES: world.families.join(','),
        NC_IPTABLES: iptables,
        NC_IP6TABLES: ip6tablesOf(iptables),
        NC_FIREWALL: firewall,
        NC_ROLES: rolesFile,
      };
      const timeoutMs = paced(SCRIPT_TIMEOUT_MS);
      const run = await host.exec(
        ['env', ...Object.entries(env).map(([key, value]) => `${key}=${value}`), 'bash', script],
        { expectExit: 'any', timeoutMs },
      );
      if (run.exitCode !== 0) {
        const last = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ');
        throw new ImplementationError(
          id,
          `${
            run.timedOut ? `the script ran over ${Math.round(timeoutMs / 1000)} s` : `the script exited ${run.exitCode}`
          }${last ? `: ${last}` : ' and printed nothing'}`,
        );
      }
      const written = await host.exec(['cat', rolesFile], { expectExit: 'any' });
      if (written.exitCode !== 0)
        throw new ImplementationError(
          id,
          `the script wrote no roles to $NC_ROLES; ` +
            `end it by writing them there as JSON (README: "Your own setup script")`,
        );
      const roles = parseRolesJson(written.stdout, `${id}: roles`);
      await requireNamespaces(host, id, roles);
      // as for every implementation: the kernel's link-local addresses on its bridge and veths do DAD, and while
      // the bridge's is tentative the host sends no neighbour solicitation for what it forwards there (the first
      // inbound IPv6 datagrams to a workload were lost): what is judged is the state it settles in
      if (world.families.includes('ipv6')) await ipv6Settled(host, id, roles, { judgeUnsettled: true });
      return roles;
    },
  };
}

/** Every workload's namespace must exist in the host: a typo would otherwise fail every probe as a network fault. */
async function requireNamespaces(host: Host, id: string, roles: Roles): Promise<void> {
  for (const [index, workload] of everyWorkload(roles).entries()) {
    const entered = await host.exec(['true'], { ns: workload.netns, expectExit: 'any' });
    if (entered.exitCode !== 0) {
      const listed = await host.exec(['ip', '-j', 'netns', 'list'], { expectExit: 'any' });
      const names = (JSON.parse(listed.stdout || '[]') as Array<{ name: string }>).map((ns) => ns.name);
      throw new ImplementationError(
        id,
        `roles: ${index < roles.workloads.length ? `workloads[${index}]` : `workload "${workload.label}"`}` +
          `.netns "${workload.netns}" is not a namespace in the host ` +
          `(ip netns list: ${names.join(', ') || 'none'})`,
      );
    }
  }
}

/** NETNS_IMPL=script:PATH, the path as the user gave it, from where the user ran npm (npm runs in the project). */
export const scriptKind: ImplementationKind = {
  kind: 'script',
  names: [`${SCRIPT_PREFIX}PATH`],
  read: (id, env) => {
    if (!id.startsWith(SCRIPT_PREFIX)) return undefined;
    const path = callerPath(id.slice(SCRIPT_PREFIX.length), env);
    if (id === SCRIPT_PREFIX || !existsSync(path) || !statSync(path).isFile()) {
      throw new HarnessSetupError(
        `NETNS_IMPL=${id}: ${id === SCRIPT_PREFIX ? 'no path after "script:"' : `no such file ${path}`}; ` +
          `give the path of your setup script, like script:examples/bridge.sh`,
      );
    }
    return { argument: path, golden: false };
  },
  make: (ref) => scriptImplementation(ref.id, ref.argument),
};
