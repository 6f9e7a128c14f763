// `npm run bench`: figures, not verdicts. From one run on this machine, side by side: the guide's four scenarios
// as a plain bash script (bench/guide-as-bash.sh) and the harness judging the same four properties, both in a
// netns host (its start not counted), each several times (NETNS_BENCH_RUNS, default 5), min and median, and their
// ratio; how long each negative ("must not reach") takes to decide; host start and teardown per host kind; and
// 10, 100 and 1,000 namespaces built and probed (`1000 namespaces: <s> s`).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { machineAbilities } from '../harness/backend-choice.ts';
import { ensureImage } from '../hosts/host-image.ts';
import type { Host } from '../hosts/host.ts';
import { LABEL_OWNER, LABEL_RUN, ownerOf } from '../hosts/run-labels.ts';
import { startHost, type HostSpec } from '../hosts/start-host.ts';
import { guideImplementation, guideRoles } from '../implementations/guide/guide.ts';
import { loadTopology } from '../implementations/guide/topology.ts';
import { describeProbe } from '../probes/outcome.ts';
import type { Judgement } from '../properties/judge.ts';
import { allJudgements } from '../properties/judge-properties.ts';
import type { Implementation } from '../implementations/implementation.ts';
import type { Firewall } from '../net/firewall.ts';
import { resultCell } from '../results/row.ts';
import { worldOnly } from '../world/world.ts';
import { setUpIn } from '../run/build.ts';
import { failedOf, judgeAll } from '../run/judge.ts';
import { scaleImplementation } from '../implementations/scale.ts';
import { cachedKernel, KERNEL_SERIES } from '../hosts/vm/kernels.ts';
import { noArguments } from './usage.ts';
import { inCheckout } from '../checkout.ts';

noArguments(`usage: npm run bench (no arguments)
Prints figures, not verdicts: the guide as a bash script beside the harness judging it (NETNS_BENCH_RUNS times,
default 5), how long each negative takes, host start and teardown per host kind, and 10, 100 and 1,000 namespaces.`);

const RUNS = Number(process.env.NETNS_BENCH_RUNS ?? 5);
const SCALE_SIZES = [10, 100, 1000];
const GUIDE_AS_BASH = readFileSync(inCheckout('bench/guide-as-bash.sh'), 'utf8');
const topology = loadTopology();
const world = worldOnly(topology);
const ON = { host: 'netns', firewall: 'iptables-nft' } as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const minMedian = (values: number[], unit = seconds) =>
  `min ${unit(Math.min(...values))}  median ${unit(median(values))}`;

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
}

/**
 * One run in a fresh host of its own; the host's start and teardown are not part of the figure. Given `kept`, the
 * host is stopped later, by the caller: the kernel dismantles a stopped host's namespaces in the background, and
 * a run that starts meanwhile waits for the locks that holds (its first ip commands were seen 20 ms slower).
 */
async function inFreshHost<T>(spec: HostSpec, work: (host: Host) => Promise<T>, kept?: Host[]): Promise<[number, T]> {
  const host = await startHost(spec);
  kept?.push(host);
  try {
    return await timed(() => work(host));
  } finally {
    if (!kept) await host.stop();
  }
}

async function bashScript(host: Host): Promise<void> {
  const result = await host.exec(['bash', '-s'], { stdin: GUIDE_AS_BASH, expectExit: 'any', timeoutMs: 120_000 });
  if (result.exitCode !== 0)
    throw new Error(`bench/guide-as-bash.sh failed (exit ${result.exitCode}): ${result.stdout}${result.stderr}`);
}

/**
 * An implementation built and judged in a host, as every run does (src/run), without diagnosis: every check must
 * pass, or the figures would mean nothing. Build and judging timed apart.
 */
async function buildAndJudge(
  host: Host,
  implementation: Implementation,
): Promise<{ buildMs: number; probeMs: number; judgements: Judgement[] }> {
  const firewall: Firewall = 'iptables-nft';
  const [buildMs, { roles }] = await timed(() => setUpIn(host, implementation, world, firewall));
  const judged = { host, roles, world, cell: resultCell(implementation.id, ON), firewall };
  const [probeMs, judgements] = await timed(async () => allJudgements(await judgeAll(judged, { diagnose: false })));
  const failed = failedOf(judgements);
  if (failed.length)
    throw new Error(
      `${implementation.id} failed ${failed.length} checks (${failed
        .slice(0, 3)
        .map((judgement) => `${judgement.row.probe}: ${judgement.row.observed}`)
        .join('; ')}): the figures would mean nothing`,
    );
  return { buildMs, probeMs, judgements };
}

const harness = async (host: Host) => (await buildAndJudge(host, guideImplementation(topology))).judgements;

const netns: HostSpec = { backend: 'netns' };
const bash: number[] = [];
const judged: number[] = [];
const negatives = new Map<string, number[]>();
console.log(
  `netns-conformance benchmark: ${RUNS} runs each, this machine ` +
    `(guide topology, ${guideRoles(topology).workloads.length} namespaces)`,
);
const sideBySide: Host[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    bash.push((await inFreshHost(netns, bashScript, sideBySide))[0]);
    const [ms, judgements] = await inFreshHost(netns, harness, sideBySide);
    judged.push(ms);
    for (const { check, result } of judgements.filter((judgement) => judgement.check.expect !== 'reachable')) {
      const name = `${describeProbe(check.probe)}  ${check.expect}`;
      negatives.set(name, [...(negatives.get(name) ?? []), result.decidedMs]);
    }
  }
} finally {
  await Promise.all(sideBySide.map((host) => host.stop()));
}
console.log('\nThe four properties on a netns host (topology built, every check made; host start not counted)');
const milliseconds = (ms: number) => `${Math.round(ms)} ms`;
console.log(`  bash script (bench/guide-as-bash.sh)  ${minMedian(bash, milliseconds)}`);
console.log(`  harness (build + 4 property tables)   ${minMedian(judged, milliseconds)}`);
console.log(
  `ratio harness / bash: ${(median(judged) / median(bash)).toFixed(2)} ` +
    `(medians; the harness also checks who each server saw)`,
);

console.log('\nNegatives: time to decide "must not reach"');
for (const [name, values] of negatives) console.log(`  ${name}  ${minMedian(values, (ms) => `${ms.toFixed(2)} ms`)}`);

console.log('\nHost start and teardown, per host kind');
const kinds: Array<[string, HostSpec | string]> = [['netns', netns]];
const { engineProblem } = await machineAbilities();
kinds.push([
  'container',
  engineProblem
    ? `skipped: ${engineProblem}`
    : {
        backend: 'container',
        image: (await ensureImage()).tag,
        labels: { [LABEL_RUN]: 'bench', [LABEL_OWNER]: ownerOf() },
      },
]);
// a vm host too, where a kernel is in the cache (npm run kernels): its boot is most of a matrix cell
const kernel = KERNEL_SERIES.map((series) => cachedKernel(series)).find((found) => found !== undefined);
const vm: HostSpec | string = kernel
  ? { backend: 'vm', kernel }
  : 'skipped: no kernel in the cache (npm run kernels -- 6.1)';
kinds.push([`vm ${kernel?.series ?? ''}`.trim(), vm]);
for (const [kind, spec] of kinds) {
  if (typeof spec === 'string') {
    console.log(`  ${kind.padEnd(10)} ${spec}`);
    continue;
  }
  const starts: number[] = [];
  const stops: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const [start, host] = await timed(() => startHost(spec));
    starts.push(start);
    stops.push((await timed(() => host.stop()))[0]);
  }
  console.log(`  ${kind.padEnd(10)} start ${minMedian(starts)}   teardown ${minMedian(stops)}`);
}

// Scale: scale:N (N namespaces built in batches) judged with the same four property tables, each table's probes
// by one in-host prober; every check must pass, or the figure would mean nothing.
console.log(
  '\nScale: N namespaces on a netns host, built (ip -batch) and fully probed (the four property tables, batched)',
);
const cost: Record<number, number> = {};
for (const size of SCALE_SIZES) {
  const [total, { buildMs, probeMs, judgements }] = await inFreshHost(netns, (host) =>
    buildAndJudge(host, scaleImplementation(`scale:${size}`)),
  );
  const checks = judgements.length;
  cost[size] = total / size;
  console.log(`${size} namespaces: ${(total / 1000).toFixed(2)} s`);
  console.log(
    `  build ${seconds(buildMs)}, ${checks} checks probed in ${seconds(probeMs)}; ` +
      `${(total / size).toFixed(1)} ms per namespace`,
  );
}
const [small, large] = [SCALE_SIZES.at(-2)!, SCALE_SIZES.at(-1)!];
console.log(`per-namespace cost ${large} / ${small}: ${(cost[large]! / cost[small]!).toFixed(2)} (1.00 is flat)`);
