// Work on a host as an Allure step: its title, the commands it ran, and the host's state when it failed.
import * as allure from 'allure-js-commons';
import type { StepContext } from '../implementations/guide/step.ts';
import { attachCommands, attachHostState } from './attachments.ts';

/**
 * Any work on the host, reported as one step with the commands it ran, and, when it failed, the state it left
 * (reading every namespace's state after every step cost time that grew with the namespaces; a failed check
 * gets its own evidence from the diagnosis).
 */
export async function reportedStep<T>(ctx: StepContext, title: string, body: () => Promise<T>): Promise<T> {
  return allure.step(title, async () => {
    const first = ctx.host.log.length;
    try {
      return await body();
    } catch (error) {
      await attachHostState(ctx);
      throw error;
    } finally {
      await attachCommands(ctx.host.log.slice(first));
    }
  });
}
