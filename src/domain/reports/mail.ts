import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';

const require = createRequire(import.meta.url);

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  /** Fixed per report, so a duplicate after a crash is recognisable as the same message. */
  messageId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Sends mail over SMTP_URL (`smtp://user:pass@host:587`, or `smtps://` for TLS from the start). */
export function createMailer({ smtpUrl, from }: { smtpUrl: string; from?: string }): Mailer {
  // nodemailer (~13 MiB) is loaded with the first mail, not at start.
  let transport: Transporter | undefined;
  const connected = () => {
    transport ??= (require('nodemailer') as typeof import('nodemailer')).createTransport(smtpUrl);
    return transport;
  };
  const sender = from ?? `bodega <${senderAddress(smtpUrl)}>`;
  return {
    async send(message) {
      await connected().sendMail({
        from: sender,
        to: message.to,
        subject: message.subject,
        text: message.text,
        attachments: message.attachments,
        ...(message.messageId ? { messageId: message.messageId } : {}),
      });
    },
    close: () => transport?.close(),
  };
}

/** The SMTP user when it is an address (most providers), else a no-reply at the SMTP host. */
function senderAddress(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const user = decodeURIComponent(url.username);
  return user.includes('@') ? user : `bodega@${url.hostname}`;
}
