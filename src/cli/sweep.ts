// `npm run sweep`: removes host containers that killed runs left behind (their owning process is gone).
import { sweepAbandoned } from '../hosts/sweep.ts';

const removed = await sweepAbandoned();
console.log(removed.length ? `removed ${removed.length} leftover container(s): ${removed.join(' ')}` : 'no leftover containers');
