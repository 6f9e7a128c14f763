// How qemu runs a guest here: with KVM where the machine really has it, else software emulation (TCG).
// Detected, not assumed: /dev/kvm can exist and still not run a stock kernel (nested PVM, kvm_pvm).
import { accessSync, constants, existsSync } from 'node:fs';
import { HarnessSetupError } from '../../setup-error.ts';

export interface Acceleration {
  kind: 'kvm' | 'tcg';
  /** why this one, for the run's header */
  why: string;
  /** qemu's arguments for it */
  argv: string[];
}

// qemu 7.2 aborts on plain host
const KVM = { kind: 'kvm', argv: ['-enable-kvm', '-cpu', 'host,-arch-capabilities'] } as const;
const TCG = { kind: 'tcg', argv: ['-accel', 'tcg,thread=multi', '-cpu', 'max'] } as const;

const use = (accel: typeof KVM | typeof TCG, why: string): Acceleration => ({
  kind: accel.kind,
  argv: [...accel.argv],
  why,
});

export function chooseAcceleration(env = process.env): Acceleration {
  const forced = env.NETNS_VM_ACCEL;
  if (forced === 'tcg' || forced === 'kvm') return use(forced === 'kvm' ? KVM : TCG, `NETNS_VM_ACCEL=${forced}`);
  if (forced)
    throw new HarnessSetupError(
      `NETNS_VM_ACCEL=${forced} is not an accelerator; use kvm or tcg (or leave it unset to detect)`,
    );
  const tcg = (why: string) => use(TCG, why);
  if (!existsSync('/dev/kvm')) return tcg('no /dev/kvm');
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return tcg('/dev/kvm is not open to this user');
  }
  if (existsSync('/sys/module/kvm_pvm'))
    return tcg('/dev/kvm is served by kvm_pvm (nested PVM), which cannot run a stock kernel');
  return use(KVM, '/dev/kvm');
}
