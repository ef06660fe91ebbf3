// The shapes of bodega's environment variables: each parses and explains its own mistakes, for config.ts's schema.

import { z } from 'zod';
import { isTimeZone } from './clock.ts';

/** A linked chat identity as written in BODEGA_OWNERS: `telegram:<id>`, `discord:<id>`, `whatsapp:<phone>`. */
export const identityPattern = /^(telegram|discord|whatsapp):\+?[0-9]{1,32}$/;

export const blankIsUnset = (value: unknown) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;

export const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());
export const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(blankIsUnset, schema.default(fallback as never));

export const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http:// or https:// URL',
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** Webhooks and the storefront API carry secrets: the public URL is https, except on this machine. */
export const publicUrl = httpUrl.refine(
  (value) =>
    new URL(value).protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(new URL(value).hostname),
  { message: 'must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1])' },
);

export const port = z.coerce
  .number({ message: 'must be a whole number' })
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be between 1 and 65535' })
  .max(65535, { message: 'must be between 1 and 65535' });

export const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\/.+/.test(value) && URL.canParse(value), {
  message: 'must be a postgres:// or postgresql:// connection URL',
});

export const timezone = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as America/Mexico_City' });

export const encryptionKey = z.string().transform((value, ctx) => {
  const bytes = Buffer.from(value, 'base64');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value) || bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes encoded in base64 (openssl rand -base64 32)' });
    return z.NEVER;
  }
  return bytes;
});

export const owners = z.string().transform((value, ctx) => {
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = list.filter((item) => !identityPattern.test(item));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `has invalid identities (${bad.join(', ')}); use telegram:<id>, discord:<id> or whatsapp:<phone>`,
    });
    return z.NEVER;
  }
  // WhatsApp identities are E.164 (`whatsapp:+5215512345678`), whether the operator wrote the plus or not.
  return list.map((item) => item.replace(/^whatsapp:\+?/, 'whatsapp:+'));
});

/** `name[:language]`; Spanish by default, as the shop's first language. */
export function alertTemplate(value: string) {
  const [name = value, language = 'es'] = value.split(':');
  return { name, language };
}

export const emailList = z.string().transform((value, ctx) => {
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = list.filter((item) => !z.email().safeParse(item).success);
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `has invalid email addresses (${bad.join(', ')})` });
    return z.NEVER;
  }
  return list;
});

export const smtpUrl = z.string().refine((value) => /^smtps?:\/\/.+/.test(value) && URL.canParse(value), {
  message: 'must be an smtp:// or smtps:// URL',
});
