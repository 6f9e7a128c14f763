// Scenario 5 — the guide's br0 on a machine that runs Docker (docs/scenarios.md, "the well-known interaction"),
// once per Docker version that NETNS_IMPL names, in a Docker-in-Docker host of that version.
//
//   [netns1] [netns2] --- br0 192.168.0.1 --+-- [host: dockerd, docker0 172.17.0.1] eth0 --- [internet]
//
// dockerd starts first and turns ip_forward on itself, so it sets FORWARD's policy to DROP; then the guide's own
// setup, unchanged, loses what goes through FORWARD (bridged frames too: br_netfilter). The cause is shown by
// FORWARD's policy counter; the remedy Docker documents (accept br0 in DOCKER-USER) brings all four back.
import * as allure from 'allure-js-commons';
import { afterAll, beforeAll, describe, expect, inject, test as base } from 'vitest';
import { skipUnlessEarlierStepsPassed } from '../fixtures/earlier-steps.ts';
import { expectProperty } from '../fixtures/expect-property.ts';
import { anyFailed, releaseHost } from '../fixtures/release-host.ts';
import { chainPolicy, rulePackets } from '../src/evidence/counters.ts';
import type { Host } from '../src/hosts/host.ts';
import {
  acceptBridgeInDockerUser,
  besideABridge,
  dockerUserAccepts,
} from '../src/implementations/docker/beside-a-bridge.ts';
import { dockerKind, startDockerd } from '../src/implementations/docker/docker.ts';
import { DOCKER_IPTABLES, type DockerVersion } from '../src/implementations/docker/versions.ts';
import { implementationOf } from '../src/implementations/registry.ts';
import { guideImplementation, guideRoles } from '../src/implementations/guide/guide.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { CORE_PROPERTY_IDS } from '../src/properties/properties.ts';
import { checksTable } from '../src/report/rows-table.ts';
import { resultCell } from '../src/results/row.ts';
import { worldOnly } from '../src/world/world.ts';
import { buildWorld, type Judged } from '../src/run/build.ts';
import { judgeAll } from '../src/run/judge.ts';
import { describeHost, startHarnessHost } from '../src/run/run-host.ts';

const harness = inject('harness');
const topology = loadTopology(harness.topologyPath);
const world = worldOnly(topology);
const dockers = harness.implementations.filter((ref) => ref.kind === dockerKind.kind);
const test = base.extend('earlierSteps', { auto: true }, ({ task, skip }) => skipUnlessEarlierStepsPassed(task, skip));

if (dockers.length === 0) {
  test.skip(
    'no Docker version chosen: ' +
      'NETNS_HOST=container NETNS_IMPL=docker-20.10,docker-26.1,docker-28.5 npm run conformance',
  );
}

describe.each(dockers)("Docker $argument next to the guide's br0", (ref) => {
  const docker = implementationOf(ref, topology);
  const expected = besideABridge(ref.argument as DockerVersion);
  let host: Host | undefined;
  let unavailable: string | undefined;
  let judged: Judged;

  beforeAll(async () => {
    host = await startHarnessHost(harness, harness.backend === 'container' ? ref.host : undefined);
    unavailable = await docker.unavailable?.(host, DOCKER_IPTABLES);
    if (unavailable) return;
    const { kernel } = await describeHost(host, DOCKER_IPTABLES);
    // the guide writes with Docker's iptables, as it would on that machine, so both rule sets meet in one place
    const cell = resultCell(`guide beside ${docker.id}`, { host: harness.backend, kernel, firewall: DOCKER_IPTABLES });
    judged = { host, roles: guideRoles(topology), world, cell, firewall: DOCKER_IPTABLES };
    await buildWorld(host, world);
  }, 120_000);
  afterAll(async ({}, suite) => {
    // vitest 5: the first argument must be destructured
    if (host) await releaseHost(host, harness, `guide beside ${docker.id}`, anyFailed(suite));
  });

  test('dockerd starts with its defaults: it turns ip_forward on itself, and so sets FORWARD to DROP', async ({
    skip,
  }) => {
    if (unavailable) return skip(unavailable);
    await allure.parameter('implementation', docker.id);
    await startDockerd(host!, docker.id);
    expect((await host!.exec(['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim()).toBe('1');
    expect((await chainPolicy(host!, DOCKER_IPTABLES, 'filter', 'FORWARD'))?.policy).toBe('DROP');
  });

  test(
    `the guide's setup, unchanged: ${expected.holds.join(', ')} ${expected.holds.length === 1 ? 'holds' : 'hold'}; ` +
      `${expected.breaks.join(', ')} break, dropped by FORWARD's policy`,
    async () => {
      await allure.parameter('implementation', docker.id);
      await guideImplementation(topology).setUp({
        host: host!,
        world,
        firewall: DOCKER_IPTABLES,
        iptables: DOCKER_IPTABLES,
      });
      const dropsBefore = (await chainPolicy(host!, DOCKER_IPTABLES, 'filter', 'FORWARD'))!.packets;
      const judgedNow = await judgeAll(judged, { diagnose: false });
      const seen = judgedNow.map(({ table: { property }, judgements }) => {
        return {
          property,
          failed: judgements.filter((judgement) => judgement.row.verdict === 'fail'),
          rows: judgements.map((judgement) => judgement.row),
        };
      });
      const drops = (await chainPolicy(host!, DOCKER_IPTABLES, 'filter', 'FORWARD'))!.packets - dropsBefore;
      await allure.attachment(
        'br0 beside Docker, before the remedy',
        seen.map(({ rows }) => checksTable(rows)).join('\n\n'),
        'text/plain',
      );

      const cause = `${expected.because} (FORWARD policy DROP counted ${drops} packets)`;
      expect(
        seen.filter(({ failed }) => failed.length).map(({ property }) => property),
        cause,
      ).toEqual(expected.breaks);
      // every broken probe went silent (dropped), and FORWARD's policy counted the drops
      expect(
        seen
          .flatMap(({ failed }) => failed.map(({ result }) => result.outcome.kind))
          .filter((kind) => kind !== 'timeout'),
        cause,
      ).toEqual([]);
      expect(drops, cause).toBeGreaterThan(0);
    },
  );

  test(
    'the remedy, iptables -I DOCKER-USER -i br0 and -o br0 -j ACCEPT: ' +
      'all four properties hold, through those rules',
    async ({ task, skip }) => {
      await allure.parameter('implementation', docker.id);
      await acceptBridgeInDockerUser(host!, topology.bridge.name);
      const all = judgeAll(judged);
      for (const property of CORE_PROPERTY_IDS) await expectProperty(judged, property, { task, skip }, { all });
      for (const rule of dockerUserAccepts(topology.bridge.name)) {
        expect(
          await rulePackets(host!, { iptables: DOCKER_IPTABLES, table: 'filter', chain: 'DOCKER-USER', rule }),
          `DOCKER-USER ${rule.join(' ')}`,
        ).toBeGreaterThan(0);
      }
    },
  );
});
