// `npm run browser`: Debian's Chromium for the site's browser test, unpacked into the package cache (never
// installed: src/site/chromium.ts); scripts/setup runs it. Prints where it is.
import { exitOnSetupError } from '../harness/exit-on-setup-error.ts';
import { ensureChromium } from '../site/chromium.ts';
import { noArguments } from './usage.ts';

noArguments(`usage: npm run browser (no arguments)
Fetches Debian's Chromium with the libraries this machine lacks for it into .cache/packages (once), for the site's
browser test (selftests/site-in-browser.test.ts); nothing is installed.`);

const chromium = await ensureChromium().catch(exitOnSetupError);
console.log(`chromium ${chromium.version}: ${chromium.executable}`);
