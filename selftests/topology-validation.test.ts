// A malformed topology stops the run with one line that names the file, the field and the fix.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTopology, parseTopology, DEFAULT_TOPOLOGY } from '../src/implementations/guide/topology.ts';
import { runTempDir } from '../src/run-temp.ts';

// the guide's file as a user writes one
const guide = JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as Record<string, unknown>;

/** The guide's topology with one change, as a user's file would have it. */
function variant(change: (data: any) => void): Record<string, unknown> {
  const data = structuredClone(guide);
  change(data);
  return data;
}

describe('topology validation', () => {
  test('the guide topology loads, with the guide addresses', () => {
    const topology = loadTopology(DEFAULT_TOPOLOGY);
    expect(topology.bridge).toEqual({ name: 'br0', address: '192.168.0.1/16', address6: 'fd00:192:168::1/64' });
    expect(topology.namespaces.map((ns) => ns.address)).toEqual(['192.168.0.2/16', '192.168.0.3/16']);
    expect(topology.namespaces.map((ns) => ns.address6)).toEqual(['fd00:192:168::2/64', 'fd00:192:168::3/64']);
    expect(topology.uplink).toEqual({ name: 'eth0', address: '172.31.8.154/20', gateway: '172.31.0.1' });
    expect(topology.omitSteps).toEqual([]);
  });

  test('a variant extends the guide and omits a step', () => {
    const topology = loadTopology(join(DEFAULT_TOPOLOGY, '../broken-no-masquerade.json'));
    expect(topology.omitSteps).toEqual(['masquerade']);
    expect(topology.bridge.address).toBe('192.168.0.1/16');
  });

  test.each([
    [
      'an address without a prefix',
      (d: any) => (d.bridge.address = '192.168.0.1'),
      /bridge\.address "192\.168\.0\.1" is not an IPv4 address with a prefix \(like 192\.168\.0\.1\/16\)/,
    ],
    [
      'an octet over 255',
      (d: any) => (d.namespaces[0].address = '192.168.0.256/16'),
      /namespaces\[0\]\.address .* is not an IPv4 address with a prefix/,
    ],
    [
      'a namespace outside the bridge network',
      (d: any) => (d.namespaces[1].address = '10.0.0.3/16'),
      /namespaces\[1\]\.address 10\.0\.0\.3 is outside the bridge's network 192\.168\.0\.1\/16; pick an address in it/,
    ],
    [
      'a gateway off the uplink network',
      (d: any) => (d.uplink.gateway = '10.0.0.1'),
      /uplink\.gateway 10\.0\.0\.1 is outside 172\.31\.8\.154\/20/,
    ],
    [
      'an internet host inside the private network',
      (d: any) => (d.internet.publicHost = '192.168.7.7'),
      /internet\.publicHost 192\.168\.7\.7 is inside the bridge's or the uplink's network/,
    ],
    [
      'a neighbour off the uplink network',
      (d: any) => (d.internet.neighbour = '10.1.2.3'),
      /internet\.neighbour 10\.1\.2\.3 must be another address on the uplink's network/,
    ],
    [
      'a neighbour that is the gateway',
      (d: any) => (d.internet.neighbour = '172.31.0.1'),
      /internet\.neighbour 172\.31\.0\.1 must be another address/,
    ],
    [
      'a link name over 15 bytes',
      (d: any) => (d.bridge.name = 'a-very-long-bridge'),
      /bridge\.name "a-very-long-bridge" is not a link name \(1-15/,
    ],
    ['a misspelt field', (d: any) => (d.brigde = d.bridge), /unknown field brigde; allowed: /],
    ['a missing field', (d: any) => delete d.uplink.gateway, /uplink\.gateway is missing/],
    [
      'a server in no namespace',
      (d: any) => (d.server.namespace = 'netns9'),
      /server\.namespace "netns9" is not one of namespaces\[\]\.name \(netns1, netns2\)/,
    ],
    ['a port out of range', (d: any) => (d.server.port = 70000), /server\.port 70000 is not a TCP port/],
    [
      'an unknown step to omit',
      (d: any) => (d.omitSteps = ['masq']),
      /omitSteps has unknown step "masq"; known steps: add-namespace, /,
    ],
    ['a link name used twice', (d: any) => (d.namespaces[1].hostLink = 'veth0'), /link name "veth0" is used twice/],
    // iproute2 reads a leading zero as octal (10.0.0.010 is .8): such an address would silently differ
    [
      'an octet with a leading zero',
      (d: any) => (d.namespaces[1].address = '192.168.0.010/16'),
      /namespaces\[1\]\.address "192\.168\.0\.010\/16" is not an IPv4 address with a prefix/,
    ],
    [
      'a gateway with a leading zero',
      (d: any) => (d.uplink.gateway = '172.31.0.01'),
      /uplink\.gateway "172\.31\.0\.01" is not an IPv4 address/,
    ],
    [
      'two namespaces with one name',
      (d: any) => (d.namespaces[1].name = 'netns1'),
      /namespaces\[1\]\.name "netns1" is also namespaces\[0\]\.name; every namespace needs its own name/,
    ],
    [
      'two namespaces with one address',
      (d: any) => (d.namespaces[1].address = '192.168.0.2/16'),
      /namespaces\[1\]\.address 192\.168\.0\.2 is also namespaces\[0\]\.address; every namespace needs its own address/,
    ],
    [
      "a namespace with the bridge's address",
      (d: any) => (d.namespaces[0].address = '192.168.0.1/16'),
      /namespaces\[0\]\.address 192\.168\.0\.1 is the bridge's own address/,
    ],
    [
      'a namespace named like the internet',
      (d: any) => (d.namespaces[1].name = 'internet'),
      /namespaces\[1\]\.name "internet" is reserved/,
    ],
    ['a namespace named host', (d: any) => (d.namespaces[0].name = 'host'), /namespaces\[0\]\.name "host" is reserved/],
    [
      'an IPv6 address without a prefix',
      (d: any) => (d.bridge.address6 = 'fd00:192:168::1'),
      /bridge\.address6 "fd00:192:168::1" is not an IPv6 address with a prefix \(like fd00:192:168::1\/64\)/,
    ],
    [
      "a namespace outside the bridge's IPv6 network",
      (d: any) => (d.namespaces[1].address6 = 'fd00:192:169::3/64'),
      /namespaces\[1\]\.address6 fd00:192:169::3 is outside the bridge's IPv6 network fd00:192:168::1\/64/,
    ],
    [
      'a namespace without an IPv6 address on a dual-stack bridge',
      (d: any) => delete d.namespaces[1].address6,
      /namespaces\[1\]\.address6 is missing while bridge\.address6 is given; give every namespace one, or none/,
    ],
    [
      'a namespace with an IPv6 address on an IPv4 bridge',
      (d: any) => {
        delete d.bridge.address6;
        delete d.namespaces[1].address6;
      },
      /namespaces\[0\]\.address6 is given but bridge\.address6 is not/,
    ],
  ])('rejects %s in one line', (_, change, message) => {
    const attempt = () => parseTopology(variant(change), 'user.json');
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/^topology user\.json: [^\n]+$/);
  });

  test('a missing file, bad JSON and an extends loop name the file', ({ onTestFinished }) => {
    const dir = runTempDir('netns-conformance-topology-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'bad.json'), '{ "bridge": ');
    writeFileSync(join(dir, 'loop.json'), '{ "extends": "loop.json" }');
    expect(() => loadTopology(join(dir, 'none.json'))).toThrow(
      /none\.json: cannot read it \(no such file\); point NETNS_TOPOLOGY at a JSON file/,
    );
    expect(() => loadTopology(join(dir, 'bad.json'))).toThrow(/bad\.json: cannot read it \(.*JSON/);
    expect(() => loadTopology(join(dir, 'loop.json'))).toThrow(
      /"extends" loops back to .*loop\.json; remove the cycle/,
    );
  });
});
