import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @discordjs/rest, loaded when Discord is configured: imported at start it costs every bodega ~30 MiB. */
export const discordRest = () => require('@discordjs/rest') as typeof import('@discordjs/rest');
