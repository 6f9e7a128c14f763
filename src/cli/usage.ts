// The commands' own arguments: `--help` prints what a command does and how it is driven, and exits 0 before it
// touches anything; an argument it does not take is one line that names it and the usage, exit 2.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from './exit-code.ts';

/**
 * vitest's own script, wherever npm put it (the checkout's node_modules, or the project's that installed the
 * harness): the commands also run as `node src/cli/….ts`, outside npm's PATH
 */
export const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

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

/** One line that names the problem and where the usage is, exit 2 (bad input). */
export function failUsage(problem: string, help: string): never {
  console.error(`netns-conformance: ${problem}; see ${help}`);
  process.exit(EXIT.badInput);
}

/** node's parseArgs, whose error (an unknown flag, a value missing) is that one line */
export function parseFlags<T extends ParseArgsConfig>(config: T, help: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    return failUsage((error as Error).message.split('\n')[0]!.replace(/\. .*$|\.$/, ''), help);
  }
}
