import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import qrcode from 'qrcode-terminal';
import { checkWebPrerequisites, WebUnavailableError } from '../../bots/whatsapp/web.ts';
import { loadWebLibrary } from '../../bots/whatsapp/web-client.ts';
import type { Config } from '../config.ts';
import type { Translate } from '../i18n/index.ts';

const LOGIN_LIMIT_MS = 5 * 60_000;

/**
 * `bodega whatsapp login`: opens WhatsApp Web with the system Chromium, prints the QR code in the terminal for the
 * shop's phone to scan, and says when the phone is linked. The session stays in $DATA_DIR/whatsapp for `start`.
 */
export async function whatsappLogin(config: Config, t: Translate, out: NodeJS.WritableStream): Promise<number> {
  if (config.whatsapp?.mode !== 'web') {
    out.write(`${t('cli.whatsapp_not_web')}\n`);
    return 1;
  }
  const dataPath = join(config.dataDir, 'whatsapp');
  const chromium = config.whatsapp.chromiumPath;
  try {
    await checkWebPrerequisites(dataPath, chromium);
  } catch (error) {
    const browserMissing = error instanceof WebUnavailableError && error.message.startsWith('no browser');
    if (browserMissing) {
      out.write(`${t('cli.whatsapp_no_browser')}\n`);
      return 1;
    }
  }
  await mkdir(dataPath, { recursive: true });
  const library = await loadWebLibrary(dataPath, chromium as string);
  const client = library.createClient();
  const linked = new Promise<string | undefined>((resolve) => {
    client.on('qr', (qr) => {
      out.write(`\n${t('cli.whatsapp_scan')}\n\n`);
      qrcode.generate(qr, { small: true }, (drawn) => out.write(`${drawn}\n`));
    });
    client.on('ready', () => resolve(undefined));
    client.on('auth_failure', (message) => resolve(message));
    setTimeout(() => resolve('timeout'), LOGIN_LIMIT_MS).unref();
  });
  try {
    await client.initialize();
    const failure = await linked;
    out.write(`${failure === undefined ? t('cli.whatsapp_linked') : t('cli.whatsapp_failed', { reason: failure })}\n`);
    return failure === undefined ? 0 : 1;
  } catch (error) {
    out.write(`${t('cli.whatsapp_failed', { reason: error instanceof Error ? error.message : String(error) })}\n`);
    return 1;
  } finally {
    await client.destroy().catch(() => undefined);
  }
}
