// The harness's own checkout: where its reports, caches, fixtures and scripts are, whatever the caller's
// directory (npm runs scripts in it; `npx netns-conformance` and `node src/cli/….ts` may start elsewhere).
import { join, resolve } from 'node:path';

export const CHECKOUT = resolve(import.meta.dirname, '..');
/** installed from its tarball, into a project's node_modules, not run from a checkout */
export const INSTALLED = CHECKOUT.split('/').includes('node_modules');

/** A path inside the checkout: inCheckout('reports', 'conformance.json'). */
export const inCheckout = (...parts: string[]): string => resolve(CHECKOUT, ...parts);

/**
 * Where a run's reports go: NETNS_REPORTS, which an installed harness's command line sets to the caller's
 * ./reports; else the checkout's reports/.
 */
export const REPORTS = resolve(process.env.NETNS_REPORTS || inCheckout('reports'));

/** A path among the reports: inReports('conformance.json'). */
export const inReports = (...parts: string[]): string => join(REPORTS, ...parts);

/** the directory the caller started in: npm starts scripts in the checkout and says where it was called from */
export const callerDir = (env: NodeJS.ProcessEnv = process.env): string => env.INIT_CWD ?? process.cwd();

/** A path as the caller wrote it (a flag's, a variable's), from where they were. */
export const callerPath = (path: string, env: NodeJS.ProcessEnv = process.env): string => resolve(callerDir(env), path);
