#!/usr/bin/env node
// The command line, package.json's "bin": `npx netns-conformance` from the checkout or from an install of its
// tarball. Node strips the harness's types as it loads it, but not under node_modules, where it refuses
// (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING): there this hook strips the package's own .ts files with the same
// stripper (module.stripTypeScriptTypes), so that a checkout and an install run the same code without a build.
import { readFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';

const PACKAGE = new URL('..', import.meta.url).href;
if (PACKAGE.includes('/node_modules/'))
  registerHooks({
    load(url, context, nextLoad) {
      if (!url.startsWith(PACKAGE) || !url.endsWith('.ts')) return nextLoad(url, context);
      const source = stripTypeScriptTypes(readFileSync(fileURLToPath(url), 'utf8'));
      return { format: 'module', source, shortCircuit: true };
    },
  });
await import('../src/cli/netns-conformance.ts');
