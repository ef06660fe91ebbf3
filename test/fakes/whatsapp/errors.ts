// Graph API errors as the Cloud API sends them: `{error:{message,type,code,error_data,error_subcode,fbtrace_id}}`.
// Titles, details and HTTP statuses follow Meta's Cloud API error-code reference. Meta says to key error handling
// on `code` (and `error_data.details`), not on the HTTP status, which is 400 for almost every WhatsApp error.

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    is_transient?: boolean;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export interface GraphError {
  status: number;
  body: GraphErrorBody;
}

interface CatalogEntry {
  status: number;
  title: string;
  details: string;
  subcode?: number;
  transient?: boolean;
  /** Graph's own errors (the token) carry no WhatsApp `error_data`. */
  graphLevel?: boolean;
}

/** The codes bodega's adapter must handle, plus their neighbours it is likely to meet. */
export const ERROR_CATALOG = {
  2: {
    status: 503,
    title: 'Service temporarily unavailable',
    details: 'Temporary due to downtime or overload.',
    transient: true,
  },
  4: {
    status: 400,
    title: 'Application request limit reached',
    details: 'The app has reached its API call rate limit.',
    transient: true,
  },
  100: {
    status: 400,
    title: 'Invalid parameter',
    details: 'The request included one or more unsupported or misspelled parameters.',
  },
  190: {
    status: 401,
    title: 'Error validating access token: Session has expired',
    details: 'The access token has expired.',
    subcode: 463,
    graphLevel: true,
  },
  80007: {
    status: 400,
    title: 'Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
  },
  130429: {
    status: 400,
    title: 'Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
    subcode: 2494055,
  },
  131000: { status: 500, title: 'Something went wrong', details: 'Message failed to send due to an unknown error.' },
  131008: {
    status: 400,
    title: 'Required parameter is missing',
    details: 'The request is missing a required parameter.',
  },
  131009: { status: 400, title: 'Parameter value is not valid', details: 'One or more parameter values are invalid.' },
  131026: {
    status: 400,
    title: 'Message undeliverable',
    details:
      'Unable to deliver message. The recipient may not be a WhatsApp user, may not have accepted the latest Terms of Service, or may be using an old WhatsApp version.',
  },
  131047: {
    status: 400,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131053: { status: 400, title: 'Media upload error', details: 'Unable to upload the media used in the message.' },
  131056: {
    status: 400,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  132000: {
    status: 400,
    title: 'Number of parameters does not match the expected number of params',
    details: 'The number of variable parameter values does not match the number of variables in the template.',
  },
  132001: {
    status: 404,
    title: 'Template name does not exist in the translation',
    details: 'The template does not exist in the specified language or has not been approved.',
  },
} satisfies Record<number, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

let traceCounter = 0;

/** An fbtrace_id shaped like Graph's (23 url-safe base64 characters), unique per process, not random. */
function nextTraceId(): string {
  traceCounter += 1;
  return `A${Buffer.from(`fake-trace-${traceCounter.toString().padStart(6, '0')}`)
    .toString('base64url')
    .slice(0, 22)}`;
}

/** A WhatsApp error from the catalogue; `details` replaces the generic one where the case says more. */
export function graphError(code: ErrorCode, details?: string): GraphError {
  const entry: CatalogEntry = ERROR_CATALOG[code];
  return {
    status: entry.status,
    body: {
      error: {
        message: entry.graphLevel ? `${entry.title}.` : `(#${code}) ${entry.title}`,
        type: 'OAuthException',
        code,
        ...(entry.subcode === undefined ? {} : { error_subcode: entry.subcode }),
        ...(entry.transient ? { is_transient: true } : {}),
        ...(entry.graphLevel
          ? {}
          : { error_data: { messaging_product: 'whatsapp', details: details ?? entry.details } }),
        fbtrace_id: nextTraceId(),
      },
    },
  };
}

/** Graph's answer to a missing or wrong token: OAuthException 190, HTTP 401, no WhatsApp error_data. */
export function invalidTokenError(present: boolean): GraphError {
  return {
    status: 401,
    body: {
      error: {
        message: present
          ? 'Invalid OAuth access token - Cannot parse access token'
          : 'An active access token must be used to query information about the current user.',
        type: 'OAuthException',
        code: 190,
        fbtrace_id: nextTraceId(),
      },
    },
  };
}

/** Graph's `(#100)` parameter errors carry the parameter in the message itself, e.g. `Param text['body'] ...`. */
export function invalidParameter(message: string): GraphError {
  const error = graphError(100, message);
  error.body.error.message = `(#100) ${message}`;
  return error;
}

/** Graph's answer for an object id that does not exist or that this token may not use. */
export function unknownObject(id: string, method: 'get' | 'post'): GraphError {
  const error = invalidParameter(
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  );
  error.body.error.error_subcode = 33;
  delete error.body.error.error_data;
  return error;
}

/** The status-webhook form of an error: `{code,title,message,error_data:{details},href}`. */
export function statusError(code: ErrorCode, details?: string) {
  const entry: CatalogEntry = ERROR_CATALOG[code];
  return {
    code,
    title: entry.title,
    message: entry.title,
    error_data: { details: details ?? entry.details },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}
