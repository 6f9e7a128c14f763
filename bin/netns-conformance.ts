#!/usr/bin/env node
// The command line: `npx netns-conformance --help` from the checkout (package.json's "bin").
import '../src/cli/netns-conformance.ts';
