// One VM per kernel, shared by the hosts of that kernel, each a room of its own in it (vm-room.ts): booting is
// the slow part under TCG (4–6 s quiet, 20 s busy), so a run's cells on one kernel boot it once. A VM stops with
// its last room, unless that room's host asked for it to stay up for the next (the cells of one kernel follow each
// other); a room asked for on another kernel, or stopIdleVms(), stops it then.
import type { HostDriver } from './host.ts';
import { startVmDriver, type VmDriver, type VmHostOptions } from './vm-driver.ts';
import { openRoom } from './vm-room.ts';

interface SharedVm {
  vm: Promise<VmDriver>;
  rooms: number;
  opened: number;
  /** the last room's wish: stay up once it has ended */
  staysUp: boolean;
}

const shared = new Map<string, SharedVm>();

export interface VmRoomOptions extends VmHostOptions {
  /** keep the VM up when this host stops: the next host asks for the same kernel */
  vmStaysUp?: boolean;
}

export async function startVmRoom(opts: VmRoomOptions): Promise<HostDriver> {
  const key = `${opts.kernel.release} ${opts.accel?.kind ?? 'auto'} ${opts.memoryMb ?? ''} ${opts.cpus ?? ''}`;
  // cells go kernel by kernel: a VM that stayed up for another kernel is not wanted any more
  await Promise.all([...shared].filter(([other, it]) => other !== key && !it.rooms).map(([other]) => stopVm(other)));
  let it = shared.get(key);
  if (!it) {
    const vm = startVmDriver(opts);
    it = { vm, rooms: 0, opened: 0, staysUp: false };
    shared.set(key, it);
    // a VM that died (or never booted) is not handed out again
    const forget = () => shared.get(key)?.vm === vm && shared.delete(key);
    vm.then((booted) => booted.ended.then(forget), forget);
  }
  const entry = it;
  entry.rooms++;
  entry.staysUp = opts.vmStaysUp ?? false;
  const release = async () => {
    if (--entry.rooms === 0 && !entry.staysUp) await stopVm(key);
  };
  try {
    const vm = await entry.vm;
    // vm-6.1-room2-PID: qemu's pid stays last
    const room = await openRoom(vm, vm.name.replace(/-(\d+)$/, `-room${++entry.opened}-$1`));
    let stopped: Promise<void> | undefined;
    return { ...room, destroy: () => (stopped ??= room.destroy().then(release)) };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Stops every VM that no room uses (kept up for a next host that did not come). */
export async function stopIdleVms(): Promise<void> {
  await Promise.all([...shared].filter(([, it]) => !it.rooms).map(([key]) => stopVm(key)));
}

async function stopVm(key: string): Promise<void> {
  const it = shared.get(key);
  if (!it) return;
  shared.delete(key);
  const vm = await it.vm.catch(() => undefined);
  await vm?.destroy();
}
