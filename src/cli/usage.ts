// The commands' own arguments: `--help` prints what a command does and how it is driven, and exits 0 before it
// touches anything; an argument it does not take is one line that names it and the usage, exit 2.
import { resolve } from 'node:path';

/** the checkout, where vitest runs whatever the caller's directory */
export const CHECKOUT = resolve(import.meta.dirname, '../..');
/** vitest from the checkout itself: the commands also run as `node src/cli/….ts`, outside npm's PATH */
export const VITEST = resolve(CHECKOUT, 'node_modules/.bin/vitest');

/** For a command that takes no arguments (its settings are NETNS_* variables). */
export function noArguments(usage: string, argv = process.argv.slice(2)): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  if (argv.length) {
    console.error(`\nnetns-conformance: unknown argument ${argv[0]}; ${usage.split('\n')[0]}\n`);
    process.exit(2);
  }
}
