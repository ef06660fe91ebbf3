import type { KeyObject } from 'node:crypto';
import { parseJsonBody, readBody, refusal } from '../../src/chat/webhook-body.ts';
import type { Logger } from '../../src/logger.ts';
import { CallbackType, checkInteraction, type Interaction, InteractionType } from './interactions.ts';
import { signatureValid } from './verify.ts';

export interface WebhookOptions {
  publicKey: KeyObject | undefined;
  applicationId: string;
  log: Logger;
  /** Records a command or button interaction and answers the HTTP response to give (type 4, or 5 when late). */
  accept(interaction: Interaction, arrivedAt: number): Promise<unknown>;
  choices(interaction: Interaction): Promise<Array<{ name: string; value: string }>>;
}

const unauthorized = () => Response.json({ error: 'unauthorized' }, { status: 401 });

/**
 * `POST /webhooks/discord`: the Ed25519 signature is checked over the raw bytes before anything is parsed (401
 * otherwise, as Discord's own probes expect); PING answers PONG, autocomplete answers its choices at once, and a
 * command or button is recorded durably before it is answered.
 */
export function createWebhookHandler(options: WebhookOptions) {
  const { log } = options;
  return async (request: Request): Promise<Response> => {
    const arrivedAt = performance.now();
    if (!options.publicKey) return unauthorized();
    const body = await readBody(request);
    if (!body.ok) return refusal(body);
    const headers = request.headers;
    if (
      !signatureValid(
        options.publicKey,
        headers.get('x-signature-ed25519'),
        headers.get('x-signature-timestamp'),
        body.value,
      )
    )
      return unauthorized();
    const parsed = parseJsonBody(body.value);
    if (!parsed.ok) return refusal(parsed);
    const checked = checkInteraction(parsed.value);
    if (!checked.ok) return refusal({ ok: false, status: 400, error: 'invalid_body', message: checked.message });
    const interaction = checked.interaction;
    if (interaction.application_id !== options.applicationId)
      return refusal({
        ok: false,
        status: 400,
        error: 'invalid_body',
        message: 'application_id: not this application',
      });
    if (interaction.type === InteractionType.Ping) return Response.json({ type: CallbackType.Pong });
    try {
      if (interaction.type === InteractionType.Autocomplete)
        return Response.json({ type: CallbackType.Choices, data: { choices: await options.choices(interaction) } });
      if (interaction.type !== InteractionType.Command && interaction.type !== InteractionType.Component)
        return refusal({
          ok: false,
          status: 400,
          error: 'invalid_body',
          message: 'type: bodega answers commands and buttons',
        });
      return Response.json(await options.accept(interaction, arrivedAt));
    } catch (error) {
      log.error({ err: error, interactionId: interaction.id }, 'discord interaction not recorded; asking for a retry');
      return Response.json({ error: 'unavailable' }, { status: 503, headers: { 'Retry-After': '5' } });
    }
  };
}
