// `npm run build-image`: builds (or finds) the container backend's host image, with progress.
import { ensureHostImage } from '../hosts/host-image.ts';

const image = await ensureHostImage();
console.log(`host image ${image.tag} (${image.origin})`);
