// examples/bridge.sh built on a netns host of its own for a self-test that reads the built host itself, and the
// host stopped after, whatever the test found.
import { resolve } from 'node:path';
import type { HarnessConfig } from '../src/harness/config.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { readImplementation } from '../src/implementations/registry.ts';
import { buildImplementation, hostOf, type Judged } from '../src/run/build.ts';

const EXAMPLE = resolve(import.meta.dirname, '../examples/bridge.sh');

export async function withBuiltExample<T>(harness: HarnessConfig, use: (judged: Judged) => Promise<T>): Promise<T> {
  const cell = {
    implementation: readImplementation(`script:${EXAMPLE}`),
    firewall: 'iptables-nft' as const,
    title: EXAMPLE,
  };
  const built = await buildImplementation(cell, { ...harness, backend: 'netns' }, loadTopology(harness.topologyPath));
  try {
    if (built.state !== 'built') throw new Error(`${EXAMPLE} did not build: ${built.reason}`);
    return await use(built.judged);
  } finally {
    await hostOf(built).stop();
  }
}
