// `npm run sweep`: removes host containers that killed runs left behind (their owning process is gone), and hosts
// kept with NETNS_KEEP.
import { engineFix, machineAbilities } from '../harness/backend-choice.ts';
import { sweepAbandoned } from '../hosts/sweep.ts';

const { engineProblem } = await machineAbilities();
if (engineProblem) {
  console.error(
    `netns-conformance: sweep cannot ask Docker for leftover containers (${engineProblem}); ` +
      `${engineFix(engineProblem)}`,
  );
  process.exit(2);
}
const removed = sweepAbandoned('with kept');
console.log(
  removed.length
    ? `removed ${removed.length} leftover or kept container(s): ${removed.join(' ')}`
    : 'no leftover or kept containers',
);
