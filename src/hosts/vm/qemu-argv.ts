// The one place qemu's command line is built for a VM host: no network device (-nic none: the guest has only lo,
// it can reach nothing), the machine's root shared read-only over 9p, the agent on a virtio-serial port carried by
// a socket qemu inherits as its fd 3, the guest's console on qemu's stdout.
import { existsSync } from 'node:fs';
import type { Acceleration } from './accel.ts';

/** the virtio-serial port's name: the guest finds its device under /sys/class/virtio-ports by it */
export const AGENT_PORT = 'netns-conformance.agent';

/** the descriptor qemu inherits the agent's socket on (node's stdio 'pipe' is a socketpair) */
export const AGENT_FD = 3;

const QBOOT = '/usr/share/qemu/qboot.rom';

export interface QemuPlan {
  /** the kernel's image: its vmlinux (booted by its PVH entry) or its vmlinuz (boot-image.ts) */
  kernelImage: string;
  initramfs: string;
  accel: Acceleration;
  /** handed to the guest's init: the agent to run (agent.py, with the machine's python3), the modules folder */
  agent: string;
  modules: string;
  memoryMb: number;
  cpus: number;
}

export function qemuArgv(plan: QemuPlan): string[] {
  const cmdline = [
    'console=ttyS0',
    'quiet',
    'panic=-1',
    // The kernel checks at boot that the IO-APIC timer ticks within a short busy wait, and panics if not ("IO-APIC
    // + timer doesn't work!"): an emulated CPU on a busy machine misses that window (CI: both boots of a 6.1 guest
    // at once, beside npm test's nested runs). Paravirtual guests skip the check the same way.
    'no_timer_check',
    'rdinit=/init',
    `nc_agent=${plan.agent}`,
    `nc_modules=${plan.modules}`,
  ];
  return [
    'qemu-system-x86_64',
    '-M',
    'pc',
    ...(existsSync(QBOOT) ? ['-bios', QBOOT] : []), // qboot: the fastest firmware to a kernel, where packaged
    '-nodefaults',
    '-display',
    'none',
    '-no-reboot',
    ...plan.accel.argv,
    '-m',
    String(plan.memoryMb),
    '-smp',
    String(plan.cpus),
    '-nic',
    'none',
    '-kernel',
    plan.kernelImage,
    '-initrd',
    plan.initramfs,
    '-append',
    cmdline.join(' '),
    '-virtfs',
    'local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap',
    '-serial',
    'stdio',
    '-device',
    'virtio-serial-pci',
    '-chardev',
    `socket,id=agent,fd=${AGENT_FD}`,
    '-device',
    `virtserialport,chardev=agent,name=${AGENT_PORT}`,
  ];
}
