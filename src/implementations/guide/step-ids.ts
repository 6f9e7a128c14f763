// The guide's steps, by id, in the guide's order. A topology can omit some (`omitSteps`) to describe a broken
// setup; the self-tests use that to prove the suites report it.
export const STEP_IDS = [
  'add-namespace',
  'add-bridge',
  'add-veth-pair',
  'move-into-namespace',
  'attach-to-bridge',
  'configure-namespace-side',
  'bring-up-host-side',
  'default-route',
  'ip-forward-off',
  'ip-forward-on',
  'masquerade',
  'http-server',
  'dnat',
] as const;

export type StepId = (typeof STEP_IDS)[number];
