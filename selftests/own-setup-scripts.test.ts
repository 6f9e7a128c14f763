// A user's own setup script is judged for real (NETNS_IMPL=script:PATH): the example passes all four
// properties, the example with one thing broken fails exactly the properties that breakage breaks, each failed
// check with a cause that names it, and a script that cannot be judged says why in one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { PROPERTY_IDS } from '../src/properties/properties.ts';
import type { ResultRow } from '../src/results/row.ts';
import { startNestedRun } from './nested-run.ts';

const EXAMPLE = readFileSync(resolve(import.meta.dirname, '../examples/bridge.sh'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'netns-conformance-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example with one change; the change must apply, or the test would judge the example itself. */
function variant(name: string, from: string | RegExp, to: string): string {
  const text = EXAMPLE.replace(from, to);
  if (text === EXAMPLE) throw new Error(`${name}: ${from} is not in examples/bridge.sh`);
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, text);
  return path;
}

function script(name: string, text: string): string {
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, text);
  return path;
}

/** Runs the conformance suite on these scripts in one nested run; its rows, by script name. */
async function judgeScripts(paths: Record<string, string>): Promise<Record<string, ResultRow[]>> {
  const run = startNestedRun(['suites/conformance.test.ts'], {
    NETNS_HOST: inject('harness').backend,
    NETNS_IMPL: Object.values(paths).map((path) => `script:${path}`).join(','),
  });
  const result = await run.subprocess;
  const rows = run.tests().flatMap((t) => t.rows);
  expect(rows.length, result.all).toBeGreaterThan(0);
  return Object.fromEntries(Object.entries(paths).map(([name, path]) => [name, rows.filter((row) => row.implementation === `script:${path}`)]));
}

const failing = (rows: ResultRow[]) => [...new Set(rows.filter((row) => row.verdict === 'fail').map((row) => row.property))];

/** Each breakage of the example, and the properties it must fail, with the cause every failed check must give. */
const BREAKAGES: Record<string, { path: () => string; fails: string[]; why: RegExp }> = {
  'the example itself': { path: () => script('example', EXAMPLE), fails: [], why: /^$/ },
  // the request leaves with the private source; the internet cannot route the reply back
  'no MASQUERADE': { path: () => variant('no-masquerade', /^.*MASQUERADE\n/m, ''), fails: ['3-egress'], why: /^no answer to (ping|http) [ab] → 8\.8\.8\.8/ },
  'DNAT to the wrong port': { path: () => variant('dnat-wrong-port', '10.88.0.2:5000', '10.88.0.2:5001'), fails: ['4-inbound'], why: /^172\.31\.8\.154:8080 answered with a TCP reset/ },
  'b not cabled to the bridge': {
    path: () => variant('b-not-cabled', 'ip link set "veth-$label" master "$bridge" up', 'ip link set "veth-$label" up; [ "$label" = b ] || ip link set "veth-$label" master "$bridge"'),
    fails: ['1-bridge', '2-host', '3-egress'],
    // every check that involves b: nothing of it reaches the bridge
    why: /^(no answer to (ping|http) (b → |a → 10\.88\.0\.3|host → 10\.88\.0\.3)|.*cannot reach 10\.88\.0\.[13]|.*no ARP answer)/,
  },
  'forwarding left off': { path: () => variant('no-forwarding', /^sysctl -qw net\.ipv4\.ip_forward=1\n/m, ''), fails: ['3-egress', '4-inbound'], why: /^no answer to / },
};

describe.concurrent('own setup scripts', () => {
  test.each(Object.keys(BREAKAGES))('%s: fails exactly the properties it breaks, each check with its cause', async (name) => {
    const breakage = BREAKAGES[name]!;
    const rows = (await judgeScripts({ [name]: breakage.path() }))[name]!;
    expect(rows.map((row) => row.property)).toEqual(expect.arrayContaining(PROPERTY_IDS));
    expect(failing(rows).sort()).toEqual([...breakage.fails].sort());
    for (const row of rows.filter((r) => r.verdict === 'fail')) {
      expect(row.why, row.probe).toMatch(breakage.why);
      expect(row.reproduce, row.probe).toBeTruthy();
    }
  }, 120_000);

  test('a script that cannot be judged fails every property with one line that says why', async () => {
    const roles = (text: string) => `#!/bin/bash\nip netns add nc-a\ncat > "$NC_ROLES" <<'JSON'\n${text}\nJSON\n`;
    const workload = '{"label":"a","netns":"nc-a","address":"10.88.0.2"}';
    const cases = {
      'exits non-zero': { path: script('exits', '#!/bin/bash\necho "setting up" \necho "bridge0: no such device" >&2\nexit 3\n'), why: /: the script exited 3: bridge0: no such device$/ },
      'writes no roles': { path: script('no-roles', '#!/bin/bash\ntrue\n'), why: /: the script wrote no roles to \$NC_ROLES; end it by writing them there as JSON/ },
      'writes malformed JSON': { path: script('bad-json', roles('{"workloads": [')), why: /: roles: is not JSON \(.*\); write an object like / },
      'leaves out the gateway': { path: script('no-gateway', roles(`{"workloads":[${workload}]}`)), why: /: roles: gateway is missing$/ },
      'names a namespace that does not exist': { path: script('no-namespace', roles(`{"workloads":[${workload.replace('nc-a', 'nc-z')}],"gateway":"10.88.0.1"}`)), why: /: roles: workloads\[0\]\.netns "nc-z" is not a namespace in the host \(ip netns list: .*nc-a.*\)$/ },
    };
    const judged = await judgeScripts(Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, c.path])));
    for (const [name, { why }] of Object.entries(cases)) {
      const rows = judged[name]!;
      expect(rows.map((row) => [row.property, row.verdict]), name).toEqual(PROPERTY_IDS.map((property) => [property, 'fail']));
      for (const row of rows) {
        expect(row.why, name).toMatch(why);
        expect(row.why, name).not.toContain('\n');
      }
    }
  }, 300_000);
});
