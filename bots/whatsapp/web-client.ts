import type { WebClient } from './web.ts';

/**
 * whatsapp-web.js's real Client with LocalAuth in `dataPath` and the system Chromium. Loaded only in web mode: the
 * library pulls puppeteer, which no other mode should pay for in memory or start time.
 */
export async function loadWebLibrary(dataPath: string, chromiumPath: string) {
  const { default: library } = await import('whatsapp-web.js');
  const { Client, LocalAuth, MessageMedia } = library;
  return {
    createClient: (): WebClient =>
      new Client({
        authStrategy: new LocalAuth({ dataPath }),
        puppeteer: {
          executablePath: chromiumPath,
          headless: true,
          // Containers run as root without the kernel features Chromium's sandbox needs.
          args: ['--no-sandbox', '--disable-dev-shm-usage'],
        },
      }),
    media: (mime: string, base64: string, filename: string) => new MessageMedia(mime, base64, filename),
  };
}
