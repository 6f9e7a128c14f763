// Property 10 judged for real: examples/bridge.sh relies on FORWARD's ACCEPT policy, so beside each kind of another
// program's firewall its four fail, that firewall's counter shows the drops and the diagnosis names them, as it
// claims; with ACCEPT rules of its own at the top of FORWARD it keeps them beside a DROP rule or policy. A claim
// that does not hold fails, and says what happened instead. Judged on netns hosts (they need root), in IPv4.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { machineAbilities } from '../src/harness/backend-choice.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { readImplementation } from '../src/implementations/registry.ts';
import type { ResultRow } from '../src/results/row.ts';
import { runTempDir } from '../src/run-temp.ts';
import { buildImplementation, hostOf } from '../src/run/build.ts';
import { judgeBesideForeign } from '../src/run/judge-foreign.ts';
import { FOREIGN_FIREWALLS, type ForeignFirewall } from '../src/world/foreign-firewall.ts';

const EXAMPLE = readFileSync(resolve(import.meta.dirname, '../examples/bridge.sh'), 'utf8');
const dir = runTempDir('netns-conformance-foreign-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLAIM = '"keeps": []';
/** ACCEPT rules for its bridge at the top of FORWARD, as Docker, netavark and lxc-net have */
const ACCEPTS =
  'sysctl -qw net.ipv4.ip_forward=1\n' +
  '"$NC_IPTABLES" -I FORWARD -i "$bridge" -j ACCEPT\n"$NC_IPTABLES" -I FORWARD -o "$bridge" -j ACCEPT';

/** The example with its claim (and with its own ACCEPT rules) changed. */
function script(name: string, keeps: ForeignFirewall[], accepts = false): string {
  const claimed = EXAMPLE.replace(CLAIM, `"keeps": ${JSON.stringify(keeps)}`);
  const text = accepts ? claimed.replace(/^sysctl -qw net\.ipv4\.ip_forward=1$/m, ACCEPTS) : claimed;
  if (!text.includes(`"keeps": ${JSON.stringify(keeps)}`) || (accepts && !text.includes('-I FORWARD')))
    throw new Error(`${name}: examples/bridge.sh no longer has what this test changes`);
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, text);
  return path;
}

const root = (await machineAbilities()).root;
const harness = { ...inject('harness'), backend: 'netns' as const, families: ['ipv4' as const] };
const topology = loadTopology(harness.topologyPath);

/** The script built in a host of its own, and its property 10 rows, one per kind, by kind. */
async function besideForeign(path: string): Promise<Record<ForeignFirewall, ResultRow>> {
  const cell = { implementation: readImplementation(`script:${path}`), firewall: 'iptables-nft' as const, title: path };
  const built = await buildImplementation(cell, harness, topology);
  try {
    if (built.state !== 'built') throw new Error(`${path} did not build: ${built.reason}`);
    const rows = {} as Record<ForeignFirewall, ResultRow>;
    for (const foreign of FOREIGN_FIREWALLS) rows[foreign] = await judgeBesideForeign(built.judged, foreign);
    return rows;
  } finally {
    await hostOf(built).stop();
  }
}

describe.skipIf(!root).concurrent("beside another program's firewall (netns hosts need root)", () => {
  test('the example relies on the ACCEPT policy: each kind breaks it, and its diagnosis names the drop', async () => {
    const rows = await besideForeign(script('example', []));
    expect(rows['forward-drop-rule']).toMatchObject({
      verdict: 'pass',
      observed: expect.stringMatching(
        /checks fail, [1-9]\d* packet\(s\) dropped by it; .*why: dropped in filter FORWARD by rule 1 "-j DROP"/,
      ),
    });
    expect(rows['forward-drop-policy']).toMatchObject({
      verdict: 'pass',
      observed: expect.stringMatching(/why: dropped by filter FORWARD's policy DROP/),
    });
    expect(rows['nft-forward-drop']).toMatchObject({
      verdict: 'pass',
      observed: expect.stringMatching(/why: dropped by inet another_program forward's policy drop/),
    });
  });

  test('with ACCEPT rules of its own it keeps the four beside a DROP rule and a DROP policy', async () => {
    const rows = await besideForeign(script('accepts', ['forward-drop-rule', 'forward-drop-policy'], true));
    expect(rows['forward-drop-rule']).toMatchObject({ verdict: 'pass', observed: expect.stringMatching(/^all \d+/) });
    expect(rows['forward-drop-policy']).toMatchObject({ verdict: 'pass', observed: expect.stringMatching(/^all/) });
    expect(rows['nft-forward-drop']).toMatchObject({ verdict: 'pass' });
  });

  test('a claim that does not hold fails, saying what happened instead', async () => {
    // and one that fails anyway (no masquerade), though its ACCEPT rules keep the other program's DROP from acting
    const broken = script('broken-anyway', [], true);
    writeFileSync(broken, readFileSync(broken, 'utf8').replace(/^.*! -o "\$bridge" -j MASQUERADE\n/m, ''));
    const [claimsTooMuch, claimsTooLittle, brokenAnyway] = await Promise.all([
      besideForeign(script('claims-too-much', ['forward-drop-rule'])),
      besideForeign(script('claims-too-little', [], true)),
      besideForeign(broken),
    ]);
    expect(claimsTooMuch['forward-drop-rule']).toMatchObject({
      verdict: 'fail',
      why: expect.stringMatching(
        /^it claims to keep the four beside it \(.*\), but .*; why: dropped in filter FORWARD by rule 1 "-j DROP"/,
      ),
    });
    expect(claimsTooLittle['forward-drop-policy']).toMatchObject({
      verdict: 'fail',
      why: expect.stringMatching(/^all \d+ checks pass beside it, but it claims not to keep them/),
    });
    expect(brokenAnyway['forward-drop-rule']).toMatchObject({
      verdict: 'fail',
      why: expect.stringMatching(
        /^3-egress: .*, but the other program's firewall dropped no packet: why: no MASQUERADE or SNAT rule/,
      ),
    });
  });
});
