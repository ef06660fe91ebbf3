// `POST /{version}/{phone-number-id}/messages`: read receipts and sends, checked in the order the Cloud API
// answers them: body against Meta's spec and limits, injected failures, media ids, templates, the 24-hour window.
import { type ErrorCode, type GraphError, graphError, invalidParameter } from './errors.ts';
import { checkLimits } from './limits.ts';
import { mediaKind } from './media.ts';
import { checkTemplate, phoneView } from './phone.ts';
import { specValidators } from './spec.ts';
import { type FakeState, nextWamid, takeFailure, waIdOf, windowOpen } from './state.ts';

type Body = Record<string, any>;
export type Answer = { status: 200; body: Record<string, unknown> } | GraphError;

export function handleMessagesPost(state: FakeState, body: unknown): Answer {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return invalidParameter('The parameter messaging_product is required.');
  const request = body as Body;
  return request.status === undefined ? send(state, request) : markRead(state, request);
}

function markRead(state: FakeState, request: Body): Answer {
  const problem = specValidators().markRead(request);
  if (problem) return invalidParameter(problem.message);
  if (request.status !== 'read')
    return invalidParameter(`Param status must be one of {read} - got "${request.status}".`);
  if (!state.inboundIds.has(String(request.message_id)))
    return invalidParameter(`Param message_id is not a valid message id: ${String(request.message_id)}`);
  state.markedRead.add(String(request.message_id));
  return { status: 200, body: { success: true } };
}

function send(state: FakeState, request: Body): Answer {
  const problem = contentError(request) ?? recipientError(request) ?? mediaError(state, request);
  if (problem) return problem;
  const waId = waIdOf(String(request.to));
  const failure = takeFailure(state, waId);
  if (failure?.via === 'response') return graphError(failure.code, failure.details);
  const type = request.type ?? 'text';
  if (type === 'template') {
    const templateProblem = checkTemplate(state.templates, request.template);
    if (templateProblem) return templateProblem;
  } else if (!windowOpen(state, waId) && !failure) {
    if (state.reengagementErrors === 'response') return graphError(131047);
    return accept(state, request, waId, { code: 131047 });
  }
  return accept(state, request, waId, failure && { code: failure.code, details: failure.details });
}

const SIZE_KEYWORDS = new Set(['maxLength', 'minLength', 'maxItems', 'minItems']);

/**
 * Meta's spec first (structure, types, unknown keys), then the limits it does not encode. Where the spec refuses a
 * size that the limits also check (a 21-character button title), the limit's error wins: it is the one Meta sends.
 */
function contentError(request: Body): GraphError | undefined {
  const problem = specValidators().message(request);
  if (!problem) return checkLimits(request);
  const sizeProblem = problem.keywords.some((keyword) => SIZE_KEYWORDS.has(keyword));
  return (sizeProblem ? checkLimits(request) : undefined) ?? invalidParameter(problem.message);
}

function recipientError(request: Body): GraphError | undefined {
  const digits = waIdOf(String(request.to)).length;
  if (request.recipient_type === 'group')
    return invalidParameter('Param recipient_type: groups are not enabled for this phone number.');
  return digits >= 7 && digits <= 15
    ? undefined
    : invalidParameter(`Param to is not a valid phone number: ${request.to}`);
}

/**
 * Media sent by id must have been uploaded to this phone number first, and be of the message's kind. The real API
 * may instead accept the send and fail it later (131053); answering at once makes a missing upload obvious.
 */
function mediaError(state: FakeState, request: Body): GraphError | undefined {
  const type = request.type;
  if ((type !== 'image' && type !== 'document') || request[type]?.id === undefined) return undefined;
  const media = state.media.get(String(request[type].id));
  if (!media) return invalidParameter(`Param ${type}['id'] is not a valid media id: ${request[type].id}`);
  if (type === 'image' && mediaKind(media.mimeType) !== 'image')
    return graphError(131053, `Media type ${media.mimeType} cannot be sent as an image message.`);
  return undefined;
}

function accept(
  state: FakeState,
  request: Body,
  waId: string,
  failLater?: { code: ErrorCode; details?: string },
): Answer {
  const id = nextWamid(state, waId, 'out');
  const lookup = { media: state.media.get, templates: state.templates };
  state.messages.push(phoneView(request, { id, to: waId, at: state.clock.now() }, lookup));
  if (failLater) state.pendingStatuses.push({ messageId: id, error: failLater });
  const message = request.type === 'template' ? { id, message_status: 'accepted' } : { id };
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: String(request.to), wa_id: waId }],
      messages: [message],
    },
  };
}
