// Runs a guide step as an Allure step: its title, the commands it ran, and the host's state after it.
// A step the topology omits (a broken setup, for the self-tests) shows as skipped and does nothing.
import * as allure from 'allure-js-commons';
import { Status } from 'allure-js-commons';
import type { Step, StepContext } from '../implementations/guide/step.ts';
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

export async function runStep<T>(ctx: StepContext, step: Step<T>): Promise<T | undefined> {
  if (ctx.topology.omitSteps.includes(step.id)) {
    await allure.logStep(`${step.title} (omitted by topology ${ctx.topology.source})`, Status.SKIPPED);
    return undefined;
  }
  return reportedStep(ctx, step.title, () => step.run(ctx));
}

export async function runSteps(ctx: StepContext, steps: ReadonlyArray<Step<unknown>>): Promise<void> {
  for (const step of steps) await runStep(ctx, step);
}
