// The four properties, judged on each implementation that NETNS_IMPL names (default: the guide), each in a
// host of its own, on the same simulated internet, in each family NETNS_FAMILIES names:
//
//   [workloads a, b …] --- (the implementation's bridge, gateway, rules) --- eth0 172.31.8.154 [host]
//        --- [internet] 172.31.0.1, 8.8.8.8, outside client 198.51.100.7 (no route to private networks)
//
// The tables come from the roles the implementation hands back (src/properties/properties.ts); every probe
// lands in reports/conformance.json.
import * as allure from 'allure-js-commons';
import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import { expectGolden } from '../fixtures/expect-golden.ts';
import { expectAfterRestart, expectCleanRemoval, expectSelfCheck } from '../fixtures/expect-lifecycle.ts';
import { anyFailed, releaseHost } from '../fixtures/release-host.ts';
import { expectProperty, recordRows } from '../fixtures/expect-property.ts';
import { SuiteFailure } from '../fixtures/suite-failure.ts';
import type { PropertyJudgements } from '../src/properties/judge-properties.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { skippedRow } from '../src/properties/judge.ts';
import { rolesPicture } from '../src/report/topology-picture.ts';
import { workloadLinks, type WorkloadLink } from '../src/evidence/workload-links.ts';
import {
  FOREIGN_PROPERTY,
  inFamily,
  LIFECYCLE_PROPERTY,
  PROPERTIES,
  propertiesIn,
} from '../src/properties/properties.ts';
import { expectBesideForeign } from '../fixtures/expect-foreign-firewall.ts';
import { expectReconfigured, reconfiguredProperties } from '../fixtures/expect-reconfigured.ts';
import { cellKeyOf, type ResultRow } from '../src/results/row.ts';
import { buildImplementation, hostOf, type Built } from '../src/run/build.ts';
import { matrixCells } from '../src/run/cells.ts';
import { judgeAll } from '../src/run/judge.ts';
import { stopIdleVms } from '../src/hosts/vm-pool.ts';

const harness = inject('harness');
// the first property's test judges all four, and each failed check is diagnosed (state, counters, captures around a
// re-run, up to 10 per table, about 5 s each through docker exec): a broken implementation takes minutes
const PROPERTY_TIMEOUT_MS = 600_000;
const topology = loadTopology(harness.topologyPath);

// a kernel's VM stays up from one cell to the next; one kept for a cell that never started stops here
afterAll(() => stopIdleVms());

describe.each(matrixCells(harness))('$title', (cell) => {
  const id = cell.implementation.id;
  let built: Built | undefined;
  // every table is judged together, once, by the first test that asks; each test then asserts its own
  let judgedAll: Promise<PropertyJudgements> | undefined;
  // the links the picture names, read once from the built host
  let links: Record<string, WorkloadLink> = {};
  beforeAll(async () => {
    built = await buildImplementation(cell, harness, topology);
    if (built.state === 'built') links = await workloadLinks(built.judged.host, built.judged.roles);
  }, 300_000);
  afterAll(async ({}, suite) => {
    // vitest 5: the first argument must be destructured
    if (built) await releaseHost(hostOf(built), harness, id, anyFailed(suite));
  });

  for (const { property, family } of propertiesIn(harness.families, harness.properties)) {
    test(
      `${property}${inFamily(family)}: ${PROPERTIES[property]}`,
      async ({ task, skip }) => {
        await allure.label('implementation', id); // the report groups by these two
        await allure.label('property', `${property}${inFamily(family)}`);
        await allure.parameter('implementation', id);
        await allure.parameter('host backend', harness.backend);
        await allure.parameter('firewall', cell.firewall);
        if (cell.kernel) await allure.parameter('kernel', cell.kernel.release);
        const it = built!;
        await allure.parameter('family', family);
        await allure.parameter('property', property);
        // hidden: what the site's link to this test is found by (src/site/allure-tests.ts)
        await allure.label('run', harness.resultsId);
        await allure.label('cell', cellKeyOf({ ...(it.state === 'built' ? it.judged.cell : it.cell), family }));
        if (it.state === 'unavailable') {
          recordRows(task, [skippedRow(it.cell, { property, family }, it.reason)]);
          return skip(it.reason);
        }
        if (it.state === 'failed') {
          recordRows(task, [skippedRow(it.cell, { property, family }, it.reason, 'fail')]);
          throw new SuiteFailure('NotBuilt', `${id} did not build, so ${property} cannot hold: ${it.reason}`);
        }
        // on every property's test, so that a reader who opens any one of them sees what was built
        await allure.attachment('set-up commands', it.setUpLog || '(none)', 'text/plain');
        await allure.attachment('roles', JSON.stringify(it.judged.roles, null, 2), 'application/json');
        await allure.attachment(
          'topology',
          await rolesPicture(it.judged.roles, it.judged.world, links),
          'image/svg+xml',
        );
        await expectProperty(
          it.judged,
          property,
          { task, skip },
          {
            family,
            all: (judgedAll ??= judgeAll(it.judged, { properties: harness.properties })),
          },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  }

  // an implementation that names its rules (Docker's) is also held to its golden ruleset
  if (cell.implementation.golden) {
    test('its rules after set-up are its golden ruleset (fixtures/golden)', async ({ skip }) => {
      const it = built!;
      if (it.state !== 'built') return skip(`not built: ${it.reason}`);
      await expectGolden(id, it.rulesets!);
    });
  }

  // the four again, beside another program's firewall (each kind put in place, judged, taken out)
  test(
    `${FOREIGN_PROPERTY}: beside another program's firewall, the four are kept, or fail for that reason, as claimed`,
    async ({ task, skip }) => {
      const it = built!;
      if (!harness.foreignFirewall) return skip(`NETNS_PROPERTIES leaves out ${FOREIGN_PROPERTY}`);
      if (it.state !== 'built') return skip(`not built: ${it.reason}`);
      await allure.parameter('property', FOREIGN_PROPERTY);
      await expectBesideForeign(it.judged, (rows) => recordRows(task, rows), skip);
    },
    PROPERTY_TIMEOUT_MS,
  );

  // after judging, as a runtime's life goes on: its own CHECK (CNI), its daemon restarted, another configuration
  // (Docker's userland-proxy off), then the removal of its workloads (CNI DEL)
  const lifecycle = cell.implementation.lifecycle ?? [];
  if (lifecycle.includes('check')) {
    test('its own CHECK agrees with what it built', async ({ skip }) => {
      const it = built!;
      if (it.state !== 'built') return skip(`not built: ${it.reason}`);
      await expectSelfCheck(id, await it.implementation.selfCheck!(it.judged.host));
    });
  }
  if (lifecycle.includes('restart')) {
    test(
      `${LIFECYCLE_PROPERTY}: after its daemon restarts, its properties hold again`,
      async ({ task, skip }) => {
        const it = built!;
        if (!harness.lifecycle) return skip(`NETNS_PROPERTIES leaves out ${LIFECYCLE_PROPERTY}`);
        if (it.state !== 'built') return skip(`not built: ${it.reason}`);
        await allure.parameter('property', LIFECYCLE_PROPERTY);
        await expectAfterRestart(it.implementation, it.judged, harness.properties, (rows) => recordRows(task, rows));
      },
      PROPERTY_TIMEOUT_MS,
    );
  }
  if (lifecycle.includes('reconfigure')) {
    test(
      'in another configuration its users choose, its properties for it hold as claimed',
      async ({ task, skip }) => {
        const it = built!;
        if (it.state !== 'built') return skip(`not built: ${it.reason}`);
        const { name, properties } = it.implementation.reconfigured!;
        if (!reconfiguredProperties(it.implementation, harness.properties).length)
          return skip(`NETNS_PROPERTIES leaves out ${properties.join(', ')}, judged with ${name}`);
        await allure.parameter('configuration', name);
        await expectReconfigured(it.implementation, it.judged, harness.properties, (rows) => recordRows(task, rows));
      },
      PROPERTY_TIMEOUT_MS,
    );
  }
  if (lifecycle.includes('remove')) {
    test(`${LIFECYCLE_PROPERTY}: removing its workloads leaves nothing but what its network shares`, async ({
      task,
      skip,
    }) => {
      const it = built!;
      if (!harness.lifecycle) return skip(`NETNS_PROPERTIES leaves out ${LIFECYCLE_PROPERTY}`);
      if (it.state !== 'built') return skip(`not built: ${it.reason}`);
      await allure.parameter('property', LIFECYCLE_PROPERTY);
      const record = (row: ResultRow) => recordRows(task, [row]);
      await expectCleanRemoval(it.implementation, it.judged, it.stateBefore!, record);
    });
  }
});
