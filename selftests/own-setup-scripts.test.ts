// A user's own setup script is judged for real (NETNS_IMPL=script:PATH): the examples (bridge.sh, and networks.sh
// with its networks for properties 5 and 6) pass every property they claim; a catalogue of them with one thing
// broken, over every property they claim, fails exactly the properties that breakage breaks, each failed check with
// the cause the diagnosis names; its IPv6 catalogue (in dual stack) fails exactly the IPv6 twins; and a script that
// cannot be judged says why in one line.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { machineAbilities } from '../src/harness/backend-choice.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { readImplementation } from '../src/implementations/registry.ts';
import type { Firewall } from '../src/net/firewall.ts';
import { PROPERTY_IDS, propertiesIn, type PropertyId } from '../src/properties/properties.ts';
import type { ResultRow } from '../src/results/row.ts';
import { propertyOf } from '../src/report/rows-table.ts';
import type { Family } from '../src/world/world.ts';
import { runTempDir } from '../src/run-temp.ts';
import { judgeImplementation } from '../src/run/judge.ts';
import { NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';

const EXAMPLE = readFileSync(resolve(import.meta.dirname, '../examples/bridge.sh'), 'utf8');
/** the second example, with networks beside the first (properties 5 and 6) */
const NETWORKS = readFileSync(resolve(import.meta.dirname, '../examples/networks.sh'), 'utf8');
const dir = runTempDir('netns-conformance-scripts-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Edit = [from: string | RegExp, to: string];
/** An example with changes; each must apply, or the test would judge the example itself. */
function variantOf(example: string, file: string, name: string, edits: Edit[]): string {
  const text = edits.reduce((changed, [from, to]) => {
    const next = changed.replace(from, to);
    if (next === changed) throw new Error(`${name}: ${from} is not in examples/${file}`);
    return next;
  }, example);
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, text);
  return path;
}
const variant = (name: string, ...edits: Edit[]) => variantOf(EXAMPLE, 'bridge.sh', name, edits);
const networksVariant = (name: string, ...edits: Edit[]) => variantOf(NETWORKS, 'networks.sh', name, edits);

/** The example with commands added after it turns forwarding on (and before it writes its roles). */
const FORWARDING = /^sysctl -qw net\.ipv4\.ip_forward=1$/m;
const withAfterwards = (name: string, ...commands: string[]) =>
  variant(name, [FORWARDING, ['sysctl -qw net.ipv4.ip_forward=1', ...commands].join('\n')]);
const DEFAULT_ROUTE = '  ip -n "nc-$label" route add default via "$gateway"';

/** The cause a DNAT rule to another address or port than the published workload's must be named by. */
const dnatSendsTo = (target: string) =>
  new RegExp(
    String.raw`nat PREROUTING rule 1 ".*-j DNAT --to-destination ${target.replaceAll('.', '\\.')}" sends ` +
      String.raw`172\.31\.8\.154:8080 to ${target.replaceAll('.', '\\.')} \(\d+ packet\(s\)\), ` +
      String.raw`but the published workload a listens on 10\.88\.0\.2:5000`,
  );
/** Another program's nft table beside the cell's iptables rules: a forward chain that drops what it sees. */
const FOREIGN_FORWARD_DROP = [
  'nft add table inet foreign',
  "nft 'add chain inet foreign forward { type filter hook forward priority 0; policy drop; }'",
];
const FOREIGN_POLICY_DROP = new RegExp(
  String.raw`dropped by inet foreign forward's policy drop \(\d+ packet\(s\) in the nft trace; ` +
    String.raw`an nft table beside the iptables-(nft|legacy) rules\)`,
);

function script(name: string, text: string): string {
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, text);
  return path;
}

/** Runs the conformance suite on these scripts in one nested run; its rows, by script name. */
async function judgeScriptsNested(paths: Record<string, string>): Promise<Record<string, ResultRow[]>> {
  const run = await startNestedRun(['suites/conformance.test.ts'], {
    NETNS_HOST: inject('harness').backend,
    NETNS_IMPL: Object.values(paths)
      .map((path) => `script:${path}`)
      .join(','),
  });
  const result = await run.subprocess;
  const rows = run.tests().flatMap((t) => t.rows);
  expect(rows.length, result.all).toBeGreaterThan(0);
  return Object.fromEntries(
    Object.entries(paths).map(([name, path]) => [name, rows.filter((row) => row.implementation === `script:${path}`)]),
  );
}

/**
 * Judges each script as the conformance suite does, here in the run's own process (a nested run would start a
 * whole vitest for it), on netns hosts where this machine can make them: the diagnosis reads the same kernel
 * either way, and each failed check's diagnosis costs ~1 s there against ~5 s through `docker exec` (container
 * hosts get theirs checked in keep-environment.test.ts). A judgement mostly waits (probe deadlines, captures), so
 * several lanes run side by side, each judging its scripts one after the other.
 */
const LANES = 8;
async function judgeScripts(
  paths: Record<string, string>,
  firewall?: Firewall,
  families: readonly Family[] = ['ipv4'],
): Promise<Record<string, ResultRow[]>> {
  const outer = inject('harness');
  const backend = (await machineAbilities()).root ? ('netns' as const) : outer.backend;
  const harness = { ...outer, backend, families: [...families] };
  const topology = loadTopology(harness.topologyPath);
  const entries = Object.entries(paths);
  const rows: Record<string, ResultRow[]> = {};
  const lanes = Array.from({ length: LANES }, (_, lane) => entries.filter((_, index) => index % LANES === lane));
  await Promise.all(
    lanes.map(async (lane) => {
      for (const [name, path] of lane) {
        const implementation = readImplementation(`script:${path}`);
        const cell = { implementation, firewall: firewall ?? harness.firewalls[0]!, title: name };
        rows[name] = await judgeImplementation(cell, harness, topology);
      }
    }),
  );
  return rows;
}

/** The failed rows as lines, for an assertion's message: a property failed unexpectedly says which probe and why. */
const failedLines = (rows: ResultRow[]) =>
  rows
    .filter((row) => row.verdict === 'fail')
    .map((row) => `${propertyOf(row)}: ${row.probe}: ${row.observed}; why: ${row.why}`)
    .join('\n');

const failing = (rows: ResultRow[]) => [
  ...new Set(rows.filter((row) => row.verdict === 'fail').map((row) => propertyOf(row))),
];

/**
 * The catalogue: the example with one thing broken, as real setups break, the properties it must fail, and the
 * cause every failed check must name (the diagnosis: rule, link, route, sysctl, address).
 */
const BREAKAGES: Record<string, { path: () => string; fails: PropertyId[]; why: RegExp }> = {
  'the example itself': { path: () => script('example', EXAMPLE), fails: [], why: /^$/ },
  'the second example, with networks beside the first': {
    path: () => script('networks', NETWORKS),
    fails: [],
    why: /^$/,
  },
  'the second example without its DROPs between nc0 and nc1': {
    path: () => networksVariant('networks-not-apart', [/^.*-A FORWARD -i nc[01] -o nc[01] -j DROP\n.*\n/m, '']),
    fails: ['5-isolation'],
    why: /got through, but must not: .* does not reach .*: the networks are kept apart/,
  },
  "the second example's internal network with a default route, which it claims not to give": {
    path: () =>
      networksVariant('internal-routed', [
        'internal=$(network internal nc3 91 none)',
        'internal=$(network internal nc3 91 default)',
      ]),
    fails: ['6-internal'],
    why: /dropped in filter FORWARD by rule 5 "-i nc3 ! -o nc3 -j DROP"/,
  },
  'no MASQUERADE': {
    path: () => variant('no-masquerade', [/^.*MASQUERADE\n/m, '']),
    fails: ['3-egress'],
    why: /no MASQUERADE or SNAT rule in nat POSTROUTING/,
  },
  'no hairpin MASQUERADE': {
    path: () => variant('no-hairpin-masquerade', [/^.*-d 10\.88\.0\.2 -p tcp --dport 5000 -j MASQUERADE\n/m, '']),
    fails: ['7-hairpin'],
    // a's own frames come back with its own address as their source (a martian to it); b's are not masqueraded
    why: /no answer to http a → 172\.31\.8\.154:8080|the far side saw 10\.88\.0\.3, not 10\.88\.0\.1/,
  },
  "hairpin_mode off on a's port": {
    path: () => withAfterwards('hairpin-off', 'bridge link set dev veth-a hairpin off'),
    fails: ['7-hairpin'],
    why: /veth-a \(a's port on nc0\) has hairpin_mode off: the bridge does not send a's DNATed frames back out/,
  },
  'no DNAT for the UDP port': {
    path: () => variant('no-udp-dnat', [/^.*-p udp --dport 8080 -j DNAT.*\n/m, '']),
    fails: ['8-udp'],
    why: /no DNAT rule for udp in nat PREROUTING; last seen on eth0, never on nc0, a\/eth0/,
  },
  'a UDP range with no DNAT for its last port': {
    // the DNATs of the other UDP ports are not named as the rule that "never matched": they are for other ports
    path: () => variant('udp-range-short', ['  for port in 8100 8101; do', '  for port in 8100; do']),
    fails: ['8-udp'],
    why: /no DNAT rule for udp in nat PREROUTING; last seen on eth0, never on nc0, a\/eth0/,
  },

  'MASQUERADE out of a link that does not exist': {
    path: () => variant('masquerade-wrong-link', ['! -o "$bridge" -j MASQUERADE', '-o eth9 -j MASQUERADE']),
    fails: ['3-egress'],
    why: /nat POSTROUTING rule 1 "-s 10\.88\.0\.0\/24 -o eth9 -j MASQUERADE" never matched/,
  },
  'DNAT to the wrong port': {
    path: () => variant('dnat-wrong-port', ['--to-destination 10.88.0.2:5000', '--to-destination 10.88.0.2:5001']),
    fails: ['4-inbound', '7-hairpin'],
    why: dnatSendsTo('10.88.0.2:5001'),
  },
  'DNAT to the wrong workload': {
    path: () => variant('dnat-wrong-workload', ['--to-destination 10.88.0.2:5000', '--to-destination 10.88.0.3:5000']),
    fails: ['4-inbound', '7-hairpin'],
    why: dnatSendsTo('10.88.0.3:5000'),
  },
  'SNAT to an address the host does not have': {
    path: () => variant('snat-foreign-address', ['-j MASQUERADE', '-j SNAT --to-source 172.31.8.200']),
    fails: ['3-egress'],
    why: new RegExp(
      String.raw`nat POSTROUTING rule 1 "-s 10\.88\.0\.0/24 ! -o nc0 -j SNAT --to-source 172\.31\.8\.200" rewrote ` +
        String.raw`the source of \d+ packet\(s\) to 172\.31\.8\.200, an address no link of the host has; ` +
        String.raw`nothing addressed to 172\.31\.8\.200 came back on eth0`,
    ),
  },
  'DNAT for an address the host does not have': {
    path: () => variant('dnat-wrong-address', ['-d "$uplink_address"', '-d 172.31.8.200']),
    fails: ['4-inbound', '7-hairpin'],
    why: /nat PREROUTING rule 1 "-d 172\.31\.8\.200\/32 .*-j DNAT --to-destination 10\.88\.0\.2:5000" never matched/,
  },
  'b not cabled to the bridge': {
    path: () =>
      variant(
        'b-not-cabled',
        [
          'ip link set "veth-$label" master "$bridge" up',
          'ip link set "veth-$label" up; [ "$label" = b ] || ip link set "veth-$label" master "$bridge"',
        ],
        [
          'bridge link set dev "veth-$label" hairpin on',
          '[ "$label" = b ] || bridge link set dev "veth-$label" hairpin on',
        ],
      ),
    fails: ['1-bridge', '2-host', '3-egress', '7-hairpin'],
    why: /veth-b \(b's cable\) is not a port of nc0/,
  },
  'forwarding left off': {
    path: () => variant('no-forwarding', [/^sysctl -qw net\.ipv4\.ip_forward=1\n/m, '']),
    fails: ['3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: /forwarding is off in the host \(net\.ipv4\.ip_forward=0\)/,
  },
  'forwarding off on the bridge alone': {
    path: () => withAfterwards('no-forwarding-on-bridge', 'sysctl -qw net.ipv4.conf.nc0.forwarding=0'),
    fails: ['3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: /forwarding is off on nc0 \(net\.ipv4\.conf\.nc0\.forwarding=0\)/,
  },
  'a FORWARD rule that drops ICMP': {
    path: () => withAfterwards('forward-drops-icmp', '"$NC_IPTABLES" -A FORWARD -p icmp -j DROP'),
    fails: ['1-bridge', '3-egress'],
    why: /dropped in filter FORWARD by rule 1 "-p icmp -j DROP"/,
  },
  'a native nft table whose forward chain drops, beside the iptables rules': {
    path: () => withAfterwards('foreign-nft-forward-drop', ...FOREIGN_FORWARD_DROP),
    fails: ['1-bridge', '3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: FOREIGN_POLICY_DROP,
  },
  "FORWARD's policy DROP (as Docker leaves it)": {
    path: () => withAfterwards('forward-policy-drop', '"$NC_IPTABLES" -P FORWARD DROP'),
    fails: ['1-bridge', '3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: /dropped by filter FORWARD's policy DROP/,
  },
  "an INPUT rule that drops the workloads' pings": {
    path: () => withAfterwards('input-drops-icmp', '"$NC_IPTABLES" -A INPUT -i nc0 -p icmp -j DROP'),
    fails: ['1-bridge', '2-host'],
    why: /dropped in filter INPUT by rule 1 "-i nc0 -p icmp -j DROP"/,
  },
  'the bridge left down': {
    path: () => withAfterwards('bridge-down', 'ip link set nc0 down'),
    fails: ['1-bridge', '2-host', '3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: /bridge nc0 is down/,
  },
  "b's interface left down": {
    path: () => withAfterwards('b-down', 'ip -n nc-b link set eth0 down'),
    fails: ['1-bridge', '2-host', '3-egress', '7-hairpin'],
    why: /b's eth0 is down/,
  },
  'no default route in a': {
    path: () => variant('a-no-default-route', [DEFAULT_ROUTE, `  [ "$label" = a ] || ${DEFAULT_ROUTE.trim()}`]),
    fails: ['2-host', '3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: /a has no route (back )?to (172\.31\.8\.154|8\.8\.8\.8|198\.51\.100\.7) \(Network is unreachable\)/,
  },
  "a's default route via an address nobody has": {
    path: () =>
      variant('a-wrong-gateway', [
        DEFAULT_ROUTE,
        `  if [ "$label" = a ]; then ip -n nc-a route add default via 10.88.0.254; else ${DEFAULT_ROUTE.trim()}; fi`,
      ]),
    fails: ['2-host', '3-egress', '4-inbound', '7-hairpin', '8-udp'],
    why: /a routes (172\.31\.8\.154|8\.8\.8\.8|198\.51\.100\.7) via 10\.88\.0\.254, which nobody answers for/,
  },
};

let catalogue: Promise<Record<string, ResultRow[]>> | undefined;
const judgedCatalogue = () =>
  (catalogue ??= judgeScripts(
    Object.fromEntries(Object.entries(BREAKAGES).map(([name, breakage]) => [name, breakage.path()])),
  ));

/** The example's IPv6 lines that the IPv6 breakages change. */
const NAT66 = /^ {4}"\$NC_IP6TABLES" -t nat -A POSTROUTING .*\n/m;
const DNAT66_TARGET = "--to-destination '[fd00:88::2]:5000'";
const ADDRESS6 = '    ip -n "nc-$label" addr add "$address6/64" dev eth0 nodad';
const DEFAULT_ROUTE6 = '    ip -n "nc-$label" route add default via "$gateway6"';
const FORWARDING6 = /^\[ -n "\$ipv6" \] && sysctl -qw net\.ipv6\.conf\.all\.forwarding=1$/m;
/** The example with commands added once it has turned IPv6 forwarding on. */
const withAfterwards6 = (name: string, ...commands: string[]) =>
  variant(name, [FORWARDING6, ['[ -n "$ipv6" ] && sysctl -qw net.ipv6.conf.all.forwarding=1', ...commands].join('\n')]);
/** An ip6tables rule in a chain (and its match) that drops echo requests, once IPv6 forwarding is on. */
const echoDrop6 = (name: string, chain: string) =>
  withAfterwards6(name, `"$NC_IP6TABLES" -A ${chain} -p ipv6-icmp --icmpv6-type echo-request -j DROP`);
/**
 * Duplicate address detection for an hour: one solicitation, then an hour's wait for an answer (retrans_time), so an
 * address added without nodad stays tentative for the whole run (measured: dad_transmits=3600 ended in about 17 s).
 */
const SLOW_DAD = 'sysctl -qw net.ipv6.neigh.%s.retrans_time_ms=3600000';
/** The cause a DNAT66 rule to another address or port than the published workload's must be named by. */
const dnat66SendsTo = (target: string) =>
  new RegExp(
    String.raw`ip6tables nat PREROUTING rule 1 ".*-j DNAT --to-destination ${escape(target)}" sends ` +
      String.raw`\[2001:db8:31::8:154\]:8080 to ${escape(target)} \(\d+ packet\(s\)\), ` +
      String.raw`but the published workload a listens on \[fd00:88::2\]:5000`,
  );
const escape = (text: string) => text.replace(/[.[\]]/g, (c) => `\\${c}`);
const IPV6_DESTINATIONS = String.raw`(2001:db8:31::8:154|2001:4860:4860::8888|2001:db8:100::7)`;

/**
 * The catalogue in dual stack: one IPv6 thing broken, as real setups break, must fail exactly the IPv6 twins of the
 * properties it breaks (every IPv4 row passes), each failed check with its IPv6 cause.
 */
const BREAKAGES6: Record<string, { path: () => string; firewall?: Firewall; fails: string[]; why: RegExp }> = {
  'the example in dual stack': { path: () => script('example-dual', EXAMPLE), fails: [], why: /^$/ },
  'the second example in dual stack': { path: () => script('networks-dual', NETWORKS), fails: [], why: /^$/ },
  'the second example in dual stack, in a native nft ruleset': {
    path: () => script('networks-dual-nft', NETWORKS),
    firewall: 'nft',
    fails: [],
    why: /^$/,
  },
  'no NAT66': {
    path: () => variant('no-nat66', [NAT66, '']),
    fails: ['3-egress in IPv6'],
    why: /no MASQUERADE or SNAT rule in ip6tables nat POSTROUTING/,
  },
  'no NAT66 in a native nft ruleset': {
    // the IPv4 masquerade stays in its ip table: only an ip6 or inet table's rule could translate IPv6
    path: () => variant('nft-no-nat66', [/ip6 saddr .* counter masquerade;/, '']),
    firewall: 'nft',
    fails: ['3-egress in IPv6'],
    why: /no counted masquerade or snat rule in the nft ruleset for IPv6/,
  },
  'no IPv6 DNAT': {
    path: () => variant('no-dnat66', [/^ {4}"\$NC_IP6TABLES" -t nat -A PREROUTING .*\n.*\n/m, '']),
    fails: ['4-inbound in IPv6', '7-hairpin in IPv6'],
    why: /no DNAT rule for tcp in ip6tables nat PREROUTING/,
  },
  'no IPv6 DNAT for the UDP port': {
    path: () => variant('no-udp-dnat66', [/^ {4}"\$NC_IP6TABLES" -t nat -A PREROUTING .* -p udp .*\n.*\n/m, '']),
    fails: ['8-udp in IPv6'],
    why: /no DNAT rule for udp in ip6tables nat PREROUTING/,
  },
  'IPv6 DNAT to the wrong port': {
    path: () => variant('dnat66-wrong-port', [DNAT66_TARGET, "--to-destination '[fd00:88::2]:5001'"]),
    fails: ['4-inbound in IPv6', '7-hairpin in IPv6'],
    why: dnat66SendsTo('[fd00:88::2]:5001'),
  },
  'IPv6 DNAT to the wrong workload': {
    path: () => variant('dnat66-wrong-workload', [DNAT66_TARGET, "--to-destination '[fd00:88::3]:5000'"]),
    fails: ['4-inbound in IPv6', '7-hairpin in IPv6'],
    why: dnat66SendsTo('[fd00:88::3]:5000'),
  },
  'IPv6 forwarding left off': {
    path: () => variant('no-forwarding6', [/^.*net\.ipv6\.conf\.all\.forwarding=1\n/m, '']),
    fails: ['3-egress in IPv6', '4-inbound in IPv6', '8-udp in IPv6'],
    why: /forwarding is off in the host \(net\.ipv6\.conf\.all\.forwarding=0\)/,
  },
  // Not a breakage: IPv6 has no forwarding switch per interface. conf.nc0.forwarding=0 only makes nc0 a host's
  // interface (it would accept router advertisements); with all.forwarding=1 the kernel still forwards (IPv4's
  // twin above fails 3 and 4)
  'IPv6 forwarding off on the bridge alone, which IPv6 does not have': {
    path: () => withAfterwards6('no-forwarding6-on-bridge', 'sysctl -qw net.ipv6.conf.nc0.forwarding=0'),
    fails: [],
    why: /^$/,
  },
  'an ip6tables FORWARD rule that drops echo requests': {
    path: () => echoDrop6('forward6-drops-echo', 'FORWARD'),
    fails: ['1-bridge in IPv6', '3-egress in IPv6'],
    why: /dropped in ip6tables filter FORWARD by rule 1 "-p ipv6-icmp -m icmp6 --icmpv6-type 128 -j DROP"/,
  },
  "an ip6tables INPUT rule that drops the workloads' echo requests": {
    path: () => echoDrop6('input6-drops-echo', 'INPUT -i nc0'),
    fails: ['1-bridge in IPv6', '2-host in IPv6'],
    why: /dropped in ip6tables filter INPUT by rule 1 "-i nc0 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j DROP"/,
  },
  'no IPv6 default route in a': {
    path: () => variant('a-no-default-route6', [DEFAULT_ROUTE6, `    [ "$label" = a ] || ${DEFAULT_ROUTE6.trim()}`]),
    fails: ['2-host in IPv6', '3-egress in IPv6', '4-inbound in IPv6', '7-hairpin in IPv6', '8-udp in IPv6'],
    why: new RegExp(String.raw`a has no route (back )?to ${IPV6_DESTINATIONS} \(Network is unreachable\)`),
  },
  "a's IPv6 default route via an address nobody has": {
    path: () =>
      variant('a-wrong-gateway6', [
        DEFAULT_ROUTE6,
        `    if [ "$label" = a ]; then ip -n nc-a route add default via fd00:88::254; ` +
          `else ${DEFAULT_ROUTE6.trim()}; fi`,
      ]),
    fails: ['2-host in IPv6', '3-egress in IPv6', '4-inbound in IPv6', '7-hairpin in IPv6', '8-udp in IPv6'],
    why: new RegExp(String.raw`a routes ${IPV6_DESTINATIONS} via fd00:88::254, which nobody answers for`),
  },
  "b's IPv6 address still tentative (duplicate address detection not finished)": {
    path: () =>
      variant('b-tentative', [
        ADDRESS6,
        `    if [ "$label" = b ]; then ip netns exec nc-b ${SLOW_DAD.replace('%s', 'eth0')}; ` +
          `ip -n nc-b addr add "$address6/64" dev eth0; else ${ADDRESS6.trim()}; fi`,
      ]),
    fails: ['1-bridge in IPv6', '2-host in IPv6', '3-egress in IPv6', '7-hairpin in IPv6'],
    why: /b's address fd00:88::3 on eth0 is tentative \(duplicate address detection has not finished/,
  },
  "the gateway's IPv6 address still tentative": {
    path: () =>
      variant('gateway-tentative', [
        '[ -n "$ipv6" ] && ip addr add "$gateway6/64" dev "$bridge" nodad',
        `[ -n "$ipv6" ] && ${SLOW_DAD.replace('%s', '"$bridge"')} && ip addr add "$gateway6/64" dev "$bridge"`,
      ]),
    fails: [
      '1-bridge in IPv6',
      '2-host in IPv6',
      '3-egress in IPv6',
      '4-inbound in IPv6',
      '7-hairpin in IPv6',
      '8-udp in IPv6',
    ],
    why: /the gateway fd00:88::1 on nc0 is tentative \(duplicate address detection has not finished/,
  },
};

let catalogue6: Promise<Record<string, ResultRow[]>> | undefined;
const judgedCatalogue6 = () =>
  (catalogue6 ??= (async () => {
    const inFirewall = (nft: boolean) =>
      Object.fromEntries(
        Object.entries(BREAKAGES6)
          .filter(([, breakage]) => (breakage.firewall === 'nft') === nft)
          .map(([name, breakage]) => [name, breakage.path()]),
      );
    const [iptables, nft] = await Promise.all([
      judgeScripts(inFirewall(false), undefined, ['ipv4', 'ipv6']),
      judgeScripts(inFirewall(true), 'nft', ['ipv4', 'ipv6']),
    ]);
    return { ...iptables, ...nft };
  })());

// The two tests below come first: a file runs at most five tests at once (vitest's maxConcurrency), and the
// catalogue's tests would otherwise hold all five while the one judgement they share runs.
describe.concurrent('own setup scripts', () => {
  test(
    'with a native nft ruleset (NC_FIREWALL=nft), a breakage is diagnosed from the nft counters',
    async () => {
      const judged = await judgeScripts(
        {
          'the example in nft': script('example-nft', EXAMPLE),
          'a forgotten masquerade': variant('nft-no-masquerade', [' counter masquerade;', ' counter;']),
          'a counted drop in forward': variant('nft-drop', [
            /^NFT$/m,
            'NFT\nnft add table ip filter_example\n' +
              "nft 'add chain ip filter_example forward { type filter hook forward priority filter; }'\n" +
              'nft add rule ip filter_example forward ip daddr "$NC_PUBLIC_HOST" counter drop',
          ]),
        },
        'nft',
      );
      expect(failing(judged['the example in nft']!)).toEqual([]);
      expect(judged['the example in nft']!.every((row) => row.firewall === 'nft')).toBe(true);
      const egress = (name: string) => judged[name]!.filter((row) => row.verdict === 'fail');
      expect(failing(judged['a forgotten masquerade']!)).toEqual(['3-egress']);
      for (const row of egress('a forgotten masquerade'))
        expect(row.why).toMatch(/no counted masquerade or snat rule in the nft ruleset/);
      expect(failing(judged['a counted drop in forward']!)).toEqual(['3-egress']);
      for (const row of egress('a counted drop in forward').filter((r) => r.probe.includes('8.8.8.8'))) {
        expect(row.why).toMatch(/dropped in ip filter_example forward by rule 1 "ip daddr 8\.8\.8\.8 drop"/);
      }
    },
    NESTED_RUN_TIMEOUT_MS,
  );

  test(
    'a script that cannot be judged fails every property with one line that says why',
    async () => {
      const roles = (text: string) => `#!/bin/bash\nip netns add nc-a\ncat > "$NC_ROLES" <<'JSON'\n${text}\nJSON\n`;
      const workload = '{"label":"a","netns":"nc-a","address":"10.88.0.2"}';
      const cases = {
        'exits non-zero': {
          path: script('exits', '#!/bin/bash\necho "setting up" \necho "bridge0: no such device" >&2\nexit 3\n'),
          why: /: the script exited 3: bridge0: no such device$/,
        },
        'writes no roles': {
          path: script('no-roles', '#!/bin/bash\ntrue\n'),
          why: /: the script wrote no roles to \$NC_ROLES; end it by writing them there as JSON/,
        },
        'writes malformed JSON': {
          path: script('bad-json', roles('{"workloads": [')),
          why: /: roles: is not JSON \(.*\); write an object like /,
        },
        'leaves out the gateway': {
          path: script('no-gateway', roles(`{"workloads":[${workload}]}`)),
          why: /: roles: gateway is missing$/,
        },
        'names a namespace that does not exist': {
          path: script(
            'no-namespace',
            roles(`{"workloads":[${workload.replace('nc-a', 'nc-z')}],"gateway":"10.88.0.1"}`),
          ),
          why: /: roles: workloads\[0\]\.netns "nc-z" is not a namespace in the host \(ip netns list: .*nc-a.*\)$/,
        },
      };
      // end to end, through the conformance suite in a run of its own: a set-up failure is the suite's to report
      const judged = await judgeScriptsNested(
        Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, c.path])),
      );
      for (const [name, { why }] of Object.entries(cases)) {
        const rows = judged[name]!;
        expect(
          rows.map((row) => [row.property, row.verdict]),
          name,
        ).toEqual(
          propertiesIn(inject('harness').families, inject('harness').properties).map(({ property }) => [
            property,
            'fail',
          ]),
        );
        for (const row of rows) {
          expect(row.why, name).toMatch(why);
          expect(row.why, name).not.toContain('\n');
        }
      }
    },
    NESTED_RUN_TIMEOUT_MS,
  );
  test.each(Object.keys(BREAKAGES))(
    '%s: fails exactly the properties it breaks, each check with its cause',
    async (name) => {
      const breakage = BREAKAGES[name]!;
      const rows = (await judgedCatalogue())[name]!;
      expect(rows.map((row) => row.property)).toEqual(expect.arrayContaining(PROPERTY_IDS));
      expect(failing(rows).sort(), failedLines(rows)).toEqual([...breakage.fails].sort());
      for (const row of rows.filter((r) => r.verdict === 'fail')) {
        expect(row.why, row.probe).toMatch(breakage.why);
        expect(row.reproduce, row.probe).toBeTruthy();
      }
    },
    NESTED_RUN_TIMEOUT_MS,
  );
  test.each(Object.keys(BREAKAGES6))(
    'in dual stack, %s: fails exactly the IPv6 twins of the properties it breaks, each check with its cause',
    async (name) => {
      const breakage = BREAKAGES6[name]!;
      const rows = (await judgedCatalogue6())[name]!;
      expect(new Set(rows.map((row) => row.family))).toEqual(new Set(['ipv4', 'ipv6']));
      expect(failing(rows).sort(), failedLines(rows)).toEqual([...breakage.fails].sort());
      for (const row of rows.filter((r) => r.verdict === 'fail')) {
        expect(row.why, row.probe).toMatch(breakage.why);
        expect(row.reproduce, row.probe).toBeTruthy();
      }
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});
