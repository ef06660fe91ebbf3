import { contractCommands, contractTasks } from '../../bots/core/contract-commands.ts';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../src/clock.ts';
import { createCommandRateLimit } from '../../src/commands/rate-limit.ts';
import { loadConfig } from '../../src/config.ts';
import { createCore } from '../../src/core.ts';
import type { Logger } from '../../src/logger.ts';

/**
 * The chat core an adapter's contract suite talks to: the contract's extra commands and tasks, an owner and a
 * linked viewer (identities as each platform writes them).
 */
export async function createContractCore(
  database: Database,
  options: { clock: Clock; log: Logger; owner: string; viewer: string },
) {
  const core = createCore({
    database,
    config: loadConfig({}),
    log: options.log,
    clock: options.clock,
    // Hundreds of commands from one owner here; the limiter has tests of its own.
    rateLimit: createCommandRateLimit({ max: 100_000, clock: options.clock }),
    extraCommands: contractCommands,
    extraTasks: contractTasks,
  });
  await core.services.people.ensureOwners([options.owner]);
  const owner = await core.services.people.findByIdentity(options.owner);
  if (!owner) throw new Error(`owner ${options.owner} was not created`);
  const invite = await core.services.people.createInvite(owner, 'viewer');
  await core.services.people.redeem(options.viewer, invite.code, 'Vera');
  return core;
}
