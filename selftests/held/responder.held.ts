// Run only by a self-test's nested run (vitest.config.ts includes selftests/held/ there): a host whose responder
// runs until the run is interrupted, so that the interrupt self-tests signal a run while a server runs in its
// host, however fast or slow the machine (a suite's server lives for a fraction of a second). It holds a
// temporary folder of its own too, as a self-test does, never removed here: the interrupted run must remove it.
import { inject, test } from 'vitest';
import { startHarnessHost } from '../../src/run/run-host.ts';
import { startResponder } from '../../src/probes/responder.ts';
import { runTempDir } from '../../src/run-temp.ts';
import { NESTED_RUN_TIMEOUT_MS } from '../nested-run.ts';

test(
  'a responder runs in its host until the run is interrupted',
  async () => {
    runTempDir('netns-conformance-held-');
    const host = await startHarnessHost(inject('harness'));
    try {
      await startResponder(host, undefined, 5000);
      await new Promise(() => {}); // held: only the self-test's signal ends this run
    } finally {
      await host.stop();
    }
  },
  NESTED_RUN_TIMEOUT_MS,
);
