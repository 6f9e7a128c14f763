// `npx netns-conformance`: the property suite (what `npm run conformance` runs), driven by flags. Each flag sets
// the NETNS_* variable it stands for, which the run checks as it always does (a flag beats the variable); the
// variables keep working alone. Ends with vitest's summary, the truth table, and an exit code that says which
// of conformant, not conformant, bad input, harness failure it was (exit-code.ts).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CONFORMANCE_JSON } from '../report/conformance-reporter.ts';
import { readResults, type ResultsFile } from '../results/results-file.ts';
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from './exit-code.ts';
import { callerDir, callerPath, CHECKOUT, INSTALLED } from '../checkout.ts';
import { failUsage, parseFlags, VITEST } from './usage.ts';

/** each flag, the variable it sets, and what it says in --help (with the variable's default) */
const FLAGS = {
  impl: [
    'NETNS_IMPL',
    'implementations, a comma list: guide, docker-28.5, podman-5.8, cni:PATH, lxc-6.0, script:PATH …',
    'guide',
  ],
  host: ['NETNS_HOST', 'host kind: auto, container, netns, vm', 'auto'],
  kernels: ['NETNS_KERNELS', 'kernel series the vm hosts boot, a comma list: 6.1, 6.12, 6.18, 7.3', 'all'],
  firewalls: ['NETNS_FIREWALLS', 'firewall backends, a comma list: iptables-nft, iptables-legacy, nft', 'iptables-nft'],
  families: ['NETNS_FAMILIES', 'address families, a comma list: ipv4, ipv6', 'ipv4,ipv6'],
  properties: ['NETNS_PROPERTIES', 'properties, a comma list: 1-bridge … 10-foreign-firewall', 'all claimed'],
  keep: ['NETNS_KEEP', 'hosts kept up after the run: never, on-failure, always (container hosts)', 'never'],
  topology: ['NETNS_TOPOLOGY', "the guide's topology file", 'fixtures/topologies/guide.json'],
} as const satisfies Record<string, readonly [string, string, string]>;

const USAGE = `usage: npx netns-conformance [flags]
Judges container bridge networking implementations on real kernels: the guide's four properties and those beyond
four each implementation claims, in both address families, on each firewall backend. Prints progress, a truth
table, and writes reports/conformance.json, reports/junit.xml and reports/allure-results.

flags (each sets the variable named, which works alone too):
${Object.entries(FLAGS)
  .map(
    ([flag, [variable, what, byDefault]]) =>
      `  --${`${flag} VALUE`.padEnd(20)}${what}\n${' '.repeat(24)}(${variable}; default: ${byDefault})`,
  )
  .join('\n')}
  --test PATTERN        only the tests whose name matches PATTERN (vitest -t), e.g. "4-inbound in IPv6"
  --junit-file PATH     where the JUnit report goes (default: reports/junit.xml)
  --help                this text
  --version             the harness's version

${EXIT_CODES_HELP}`;

const HELP = 'npx netns-conformance --help';
/** the flags that take a value: those that set a variable, and the runner's own */
const VALUED = [...Object.keys(FLAGS), 'test', 'junit-file'];

const { values } = parseFlags(
  {
    options: {
      ...Object.fromEntries(VALUED.map((flag) => [flag, { type: 'string' as const }])),
      help: { type: 'boolean' },
      version: { type: 'boolean' },
    },
    allowPositionals: false,
    strict: true,
  },
  HELP,
) as { values: Record<string, string | boolean | undefined> };
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.version) {
  const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
  console.log(version);
  process.exit(0);
}
for (const flag of VALUED) if (values[flag] === '') failUsage(`--${flag} has no value`, HELP);

const runId = `cli-${randomUUID().slice(0, 8)}`;
const env: NodeJS.ProcessEnv = { ...process.env, NETNS_RUN_ID: runId, INIT_CWD: callerDir() };
// an installed harness writes its reports where it was called, not into node_modules
if (INSTALLED) env.NETNS_REPORTS ??= callerPath('reports');
// paths are the caller's, as a variable's are read from where npm was started
for (const [flag, [variable]] of Object.entries(FLAGS)) {
  const value = values[flag];
  if (typeof value === 'string') env[variable] = flag === 'topology' ? callerPath(value) : value;
}
if (typeof values['junit-file'] === 'string') env.NETNS_JUNIT_FILE = callerPath(values['junit-file']);

const filter = typeof values.test === 'string' ? ['-t', values.test] : [];
const vitest = spawn(
  process.execPath,
  [VITEST, 'run', 'suites/conformance.test.ts', 'suites/05-guide-beside-docker.test.ts', ...filter],
  { stdio: 'inherit', cwd: CHECKOUT, env },
);
// Ctrl-C reaches vitest from the terminal; a SIGTERM to this process is passed on, so its cleanup runs
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vitest.kill(signal));
vitest.on('error', (error) => {
  console.error(`netns-conformance: cannot start vitest (${error.message}); run npm ci in ${CHECKOUT}`);
  process.exit(EXIT.badInput);
});
vitest.on('close', (code, signal) => {
  if (signal) process.exit(signal === 'SIGINT' ? 130 : 143);
  let results: ResultsFile | undefined;
  try {
    const file = readResults(env.NETNS_REPORTS ? join(env.NETNS_REPORTS, 'conformance.json') : CONFORMANCE_JSON);
    results = file.run.id === runId ? file : undefined;
  } catch {} // no file, or one this harness does not read: not this run's
  process.exit(exitCodeOf(code ?? EXIT.harnessFailed, results));
});
