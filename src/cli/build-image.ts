// `npm run build-image`: builds (or finds) the container backend's host image, with progress.
import { exitOnSetupError } from '../harness/exit-on-setup-error.ts';
import { ensureImage } from '../hosts/host-image.ts';

// Ctrl-C: exit (running the 'exit' clean-up of a half-built image) instead of dying on the signal
process.once('SIGINT', () => process.exit(130));
const image = await ensureImage().catch(exitOnSetupError);
console.log(`host image ${image.tag} (${image.origin})`);
