// Starts a host of the chosen backend and prepares it; a host that fails to prepare is removed, never left half-built.
// Each backend's driver is loaded when a host of it starts: testcontainers alone takes ~0.4 s of CPU to import,
// in every test worker and nested run, and a netns run never uses it.
import { Host, type HostBackend } from './host.ts';
import type { Acceleration } from './vm/accel.ts';
import type { Kernel } from './vm/kernels.ts';

export interface HostSpec {
  backend: HostBackend;
  /** container backend: the host image tag */
  image?: string;
  /** container backend: labels that let a later run sweep leftovers */
  labels?: Record<string, string>;
  /** container backend: --privileged instead of capabilities */
  privileged?: boolean;
  /** container backend: what an implementation needs of its host beyond the defaults */
  capabilities?: readonly string[];
  tmpfs?: Record<string, string>;
  /** vm backend: the kernel it boots, and how qemu runs it */
  kernel?: Kernel;
  accel?: Acceleration;
  /** vm backend: keep the VM up once this host stops, for the next host on the same kernel (vm-pool.ts) */
  vmStaysUp?: boolean;
}

export async function startHost(spec: HostSpec): Promise<Host> {
  if (spec.backend === 'container') {
    if (!spec.image)
      throw new Error('container host: no image given (the global setup builds it; run through `npm test`)');
    const { startContainerDriver } = await import('./container-driver.ts');
    const driver = await startContainerDriver({
      image: spec.image,
      labels: spec.labels ?? {},
      privileged: spec.privileged ?? false,
      capabilities: spec.capabilities,
      tmpfs: spec.tmpfs,
    });
    const host = new Host(driver);
    try {
      await host.exec(driver.initArgv);
    } catch (error) {
      await host.stop();
      throw error;
    }
    return host;
  }
  if (spec.backend === 'vm') {
    if (!spec.kernel)
      throw new Error(
        'vm host: no kernel given (the global setup fetches them; run through `npm run matrix` or NETNS_HOST=vm)',
      );
    const { startVmRoom } = await import('./vm-pool.ts');
    return new Host(await startVmRoom({ kernel: spec.kernel, accel: spec.accel, vmStaysUp: spec.vmStaysUp }));
  }
  const { startNetnsDriver } = await import('./netns-driver.ts');
  return new Host(await startNetnsDriver());
}
