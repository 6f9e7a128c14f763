// Roles written by a user's script, and NETNS_IMPL itself: a wrong field or entry is one line that names it.
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { implementationOf, implementationRefs } from '../src/implementations/registry.ts';
import { parseRoles, parseRolesJson } from '../src/roles/parse-roles.ts';

const good = () => ({
  workloads: [
    { label: 'a', netns: 'nc-a', address: '10.88.0.2' },
    { label: 'b', netns: '/proc/4711/ns/net', address: '10.88.0.3' },
  ],
  gateway: '10.88.0.1',
  published: { port: 8080, workload: 'a', targetPort: 5000 },
});

/** a claim of property 6, with an internal network of two workloads */
const internal = () => ({
  workloads: [
    { label: 'c', netns: 'nc-c', address: '10.91.0.2' },
    { label: 'd', netns: 'nc-d', address: '10.91.0.3' },
  ],
  gateway: '10.91.0.1',
  egress: 'no-route',
  why: 'no default route',
});

describe('roles', () => {
  test('the example roles parse, a namespace may be a path, and "published" may be left out', () => {
    expect(parseRoles(good(), 'r')).toEqual(good());
    const { published: _, ...unpublished } = good();
    expect(parseRoles(unpublished, 'r').published).toBeUndefined();
  });

  test('a claim of property 7: who the server sees, with a reason given or not', () => {
    const claimed = { ...good(), hairpin: { self: 'gateway', peer: 'client', why: 'a hairpin MASQUERADE' } };
    expect(parseRoles(claimed, 'r')).toEqual(claimed);
    const { why: _, ...unexplained } = claimed.hairpin;
    expect(parseRoles({ ...good(), hairpin: unexplained }, 'r').hairpin).toEqual({
      ...unexplained,
      why: 'as its roles claim',
    });
  });

  test('claims of properties 5 and 6, each with the networks built for it beside the first', () => {
    const network = (name: string, third: number) => ({
      workloads: [2, 3].map((last) => ({
        label: `${name}-${last}`,
        netns: `nc-${name}-${last}`,
        address: `10.${third}.0.${last}`,
      })),
      gateway: `10.${third}.0.1`,
    });
    const claimed = {
      ...good(),
      isolation: { network: network('apart', 89), iccOff: network('no-icc', 90), why: 'FORWARD drops between them' },
      internal: { ...network('internal', 91), egress: 'no-route', why: 'no default route' },
    };
    expect(parseRoles(claimed, 'r')).toEqual(claimed);
    const { iccOff: _, ...apartOnly } = claimed.isolation;
    expect(parseRoles({ ...good(), isolation: apartOnly }, 'r').isolation).toEqual(apartOnly);
  });

  test('dual stack: each workload may have an address6, with the gateway6 of the bridge', () => {
    const dual = good() as any;
    dual.workloads[0].address6 = 'fd00:c0de::2';
    dual.gateway6 = 'fd00:c0de::1';
    expect(parseRoles(dual, 'r')).toEqual(dual); // b has none: its IPv6 rows skip
  });

  test.each([
    [
      'an address6 that is IPv4',
      (r: any) => (r.workloads[0].address6 = '10.88.0.2'),
      /workloads\[0\]\.address6 "10\.88\.0\.2" is not an IPv6 address without a prefix/,
    ],
    [
      'an address6 with a prefix',
      (r: any) => (r.workloads[0].address6 = 'fd00:c0de::2/64'),
      /is not an IPv6 address without a prefix \(like fd00:c0de::2\)$/,
    ],
    [
      'no gateway6 beside an address6',
      (r: any) => delete r.gateway6,
      /^r: gateway6 is missing: workload "a" has an address6; give the bridge's IPv6 address$/,
    ],
    [
      'two workloads with one address6',
      (r: any) => (r.workloads[1].address6 = 'fd00:c0de::2'),
      /workloads\[1\]\.address6 fd00:c0de::2 is also workloads\[0\]\.address6/,
    ],
    [
      'the gateway6 as a workload',
      (r: any) => (r.gateway6 = 'fd00:c0de::2'),
      /gateway6 fd00:c0de::2 is also a workload's address6/,
    ],
  ])('rejects %s in one line', (_, breakIt, message) => {
    const dual = good() as any;
    dual.workloads[0].address6 = 'fd00:c0de::2';
    dual.gateway6 = 'fd00:c0de::1';
    breakIt(dual);
    expect(() => parseRoles(dual, 'r')).toThrow(message);
  });

  test.each([
    [
      'a misspelt field',
      (r: any) => (r.gatway = r.gateway),
      new RegExp(
        '^script:x: roles: unknown field gatway; ' +
          'allowed: workloads, gateway, published, publishedUdp, publishedUdpRange, gateway6, hairpin, ' +
          'foreignFirewall, isolation, internal$',
      ),
    ],
    [
      'no workloads',
      (r: any) => (r.workloads = []),
      /workloads must be a list of at least one \{label, netns, address\}/,
    ],
    [
      'an address with a prefix',
      (r: any) => (r.workloads[0].address = '10.88.0.2/24'),
      /workloads\[0\]\.address "10\.88\.0\.2\/24" is not an IPv4 address without a prefix/,
    ],
    [
      'an octet with a leading zero',
      (r: any) => (r.gateway = '10.88.0.01'),
      /gateway "10\.88\.0\.01" is not an IPv4 address/,
    ],
    [
      'two workloads with one label',
      (r: any) => (r.workloads[1].label = 'a'),
      /workloads\[1\]\.label "a" is also workloads\[0\]\.label/,
    ],
    [
      'two workloads with one address',
      (r: any) => (r.workloads[1].address = '10.88.0.2'),
      /workloads\[1\]\.address 10\.88\.0\.2 is also workloads\[0\]\.address/,
    ],
    [
      'the gateway as a workload',
      (r: any) => (r.gateway = '10.88.0.3'),
      /gateway 10\.88\.0\.3 is also a workload's address/,
    ],
    [
      'the host as a namespace',
      (r: any) => (r.workloads[0].netns = 'host'),
      /workloads\[0\]\.netns "host" is reserved/,
    ],
    [
      'a relative namespace path',
      (r: any) => (r.workloads[0].netns = 'proc/1/ns/net'),
      /workloads\[0\]\.netns "proc\/1\/ns\/net" is neither an ip netns name nor an absolute path/,
    ],
    ['a port out of range', (r: any) => (r.published.port = 0), /published\.port 0 is not a port/],
    [
      'a published workload that is not one',
      (r: any) => (r.published.workload = 'c'),
      /published\.workload "c" is not one of workloads\[\]\.label \(a, b\)/,
    ],
    ['a missing target port', (r: any) => delete r.published.targetPort, /published\.targetPort is missing/],
    [
      'a foreign firewall it claims to keep that the harness does not know',
      (r: any) => (r.foreignFirewall = { keeps: ['ufw'], why: 'it says so' }),
      /foreignFirewall\.keeps "ufw" is not one of forward-drop-rule, forward-drop-policy, nft-forward-drop/,
    ],
    [
      'a published UDP port behind no workload',
      (r: any) => (r.publishedUdp = { port: 8080, workload: 'c', targetPort: 5000 }),
      /publishedUdp\.workload "c" is not one of workloads\[\]\.label \(a, b\)/,
    ],
    [
      'an isolation that names no network',
      (r: any) => (r.isolation = { why: 'it says so' }),
      /isolation must give "network" \(a second network\), "iccOff" \(a network with icc off\), or both/,
    ],
    [
      'a second network with one workload',
      (r: any) =>
        (r.isolation = {
          network: { workloads: [{ label: 'c', netns: 'nc-c', address: '10.89.0.2' }], gateway: '10.89.0.1' },
          why: 'it says so',
        }),
      /isolation\.network\.workloads must be a list of at least 2 \{label, netns, address\}/,
    ],
    [
      "an internal network's workload with a label of the first network",
      (r: any) => {
        r.internal = internal();
        r.internal.workloads[0].label = 'a';
      },
      /internal\.workloads\[0\]\.label "a" is also workloads\[0\]\.label; labels must differ/,
    ],
    [
      'an internal egress the harness does not know',
      (r: any) => (r.internal = { ...internal(), egress: 'none' }),
      /internal\.egress "none" is not one of no-route, dropped/,
    ],
    [
      'a UDP range of one port',
      (r: any) => (r.publishedUdpRange = { port: 8100, workload: 'a', targetPort: 5100, count: 1 }),
      /publishedUdpRange\.count 1 is not a number of ports \(2 or more\)/,
    ],
    [
      'a UDP range over the single UDP port',
      (r: any) => {
        r.publishedUdp = { port: 8080, workload: 'a', targetPort: 5000 };
        r.publishedUdpRange = { port: 8079, workload: 'a', targetPort: 5100, count: 2 };
      },
      /publishedUdpRange takes port 8080, which publishedUdp publishes already/,
    ],
    [
      'a hairpin source that is neither gateway nor client',
      (r: any) => (r.hairpin = { self: 'gateway', peer: 'uplink' }),
      /hairpin\.peer "uplink" is not one of gateway, client/,
    ],
    [
      'a hairpin without a published port',
      (r: any) => {
        r.hairpin = { self: 'gateway', peer: 'client' };
        delete r.published;
      },
      /hairpin is given without published/,
    ],
  ])('rejects %s in one line', (_, change, message) => {
    const roles = good();
    change(roles);
    const attempt = () => parseRoles(roles, 'script:x: roles');
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/^script:x: roles: [^\n]+$/);
  });

  test('text that is not JSON says so, with an example', () => {
    expect(() => parseRolesJson('{"workloads": [', 'script:x: roles')).toThrow(
      /^script:x: roles: is not JSON \(.+\); write an object like \{"workloads"/,
    );
  });
});

describe('NETNS_IMPL', () => {
  test('defaults to the guide; a script keeps the path as given', () => {
    const ids = (env: NodeJS.ProcessEnv) => implementationRefs(env).map((ref) => ref.id);
    expect(ids({})).toEqual(['guide']);
    expect(ids({ NETNS_IMPL: 'guide, script:examples/bridge.sh', INIT_CWD: process.cwd() })).toEqual([
      'guide',
      'script:examples/bridge.sh',
    ]);
    expect(ids({ NETNS_IMPL: 'scale:1000' })).toEqual(['scale:1000']);
  });

  test('an id is read once into data a worker can receive, and that data makes what it says', () => {
    const topology = loadTopology();
    const env = {
      NETNS_IMPL: 'guide,docker-28.5,script:examples/bridge.sh,scale:12,cni-1.9:examples/cni/bridge.conflist',
      INIT_CWD: process.cwd(),
    };
    const refs = implementationRefs(env);
    expect(refs.map(({ kind, argument }) => `${kind} ${argument}`)).toEqual([
      'guide ',
      'docker 28.5',
      `script ${resolve('examples/bridge.sh')}`,
      'scale 12',
      `cni ${resolve('examples/cni/bridge.conflist')}`,
    ]);
    expect(JSON.parse(JSON.stringify(refs))).toEqual(refs); // project.provide hands it to workers as JSON
    for (const ref of refs) {
      const made = implementationOf(ref, topology);
      expect(made.id).toBe(ref.id);
      // golden files are asked for exactly where the implementation can name its rules
      expect(ref.golden, ref.id).toBe(made.rulesets !== undefined);
    }
    expect(refs[1]!.host?.recipe.name).toBe('docker-28.5');
  });

  test.each([
    [
      'an unknown implementation',
      'docker-99',
      new RegExp(
        String.raw`^NETNS_IMPL has unknown implementation "docker-99"; ` +
          String.raw`known: guide, docker-20\.10, docker-26\.1, docker-28\.5, ` +
          String.raw`podman-4\.3, podman-5\.4, podman-5\.8, cni:PATH, cni-1\.1:PATH, cni-1\.9:PATH, ` +
          String.raw`lxc-5\.0, lxc-6\.0, script:PATH, scale:N$`,
      ),
    ],
    [
      'a scale that is not a number of workloads',
      'scale:lots',
      /^NETNS_IMPL=scale:lots: "lots" is not a number of workloads from 1 to 60000; write scale:100$/,
    ],
    [
      'a script that is not there',
      'script:no/such.sh',
      new RegExp(
        String.raw`^NETNS_IMPL=script:no\/such\.sh: no such file .*no\/such\.sh; ` +
          String.raw`give the path of your setup script, like script:examples\/bridge\.sh$`,
      ),
    ],
    ['a script without a path', 'script:', /^NETNS_IMPL=script:: no path after "script:"/],
    [
      'CNI plugins of a version Debian has not',
      'cni-0.8:examples/cni/bridge.conflist',
      /^NETNS_IMPL=cni-0\.8:examples\/cni\/bridge\.conflist: no CNI plugins 0\.8 here; known: 1\.1, 1\.9$/,
    ],
    [
      'a conflist that is not there',
      'cni:no/such.conflist',
      /^NETNS_IMPL=cni:no\/such\.conflist: no such file .*; give the path of a conflist, like cni:examples\/cni/,
    ],
    [
      'a conflist that is not JSON',
      'cni:examples/bridge.sh',
      /^NETNS_IMPL=cni:examples\/bridge\.sh: .*bridge\.sh is not JSON \(.*\); see examples\/cni\/bridge\.conflist$/,
    ],
    [
      'a conflist without a bridge',
      'cni:package.json',
      /^NETNS_IMPL=cni:package\.json: .*package\.json has no "cniVersion"; see examples\/cni\/bridge\.conflist$/,
    ],
    ['nothing at all', ' , ', /^NETNS_IMPL is empty; name at least one implementation/],
  ])('rejects %s in one line', (_, value, message) => {
    expect(() => implementationRefs({ NETNS_IMPL: value })).toThrow(message);
  });
});
