import { z } from 'zod';
import { reply, sensitive, table, text } from '../chat/reply.ts';
import type { User } from '../domain/people/index.ts';
import { t } from '../i18n/index.ts';
import { personName } from './actor-names.ts';
import { type CommandContext, requireUser } from './context.ts';
import { alertsState, DEFAULT_TOPICS } from './notify.ts';
import { arg, choice, defineCommand } from './registry.ts';

/** Languages as people name them: `es`, `español`, `spanish`, `en`, `inglés`, `english`, any case. */
export const languageChoice = choice({
  es: { es: ['es', 'español', 'espanol'], en: ['es', 'spanish'] },
  en: { es: ['en', 'inglés', 'ingles'], en: ['en', 'english'] },
});

/** Roles as people say them, in either language (`dueño`, `dueno` and `owner` are the same role). */
export const roleChoice = choice({
  viewer: { es: 'lector', en: 'viewer' },
  staff: { es: 'personal', en: 'staff' },
  admin: { es: ['administrador', 'admin'], en: 'admin' },
  owner: { es: ['dueño', 'dueno'], en: 'owner' },
});

const roleArg = arg.positional(roleChoice, { es: 'rol', en: 'role' }, { es: 'El rol', en: 'The role' });
const userArg = arg.positional(
  z.string().min(1),
  { es: 'persona', en: 'user', form: 'f' },
  {
    es: 'El número de /usuarios, el nombre o la cuenta (telegram:123)',
    en: 'The number from /users, the name, or the account (telegram:123)',
  },
);

export const startCommand = defineCommand({
  name: 'start',
  aliases: { es: 'inicio' },
  description: { es: 'Vincula esta cuenta con un código de invitación', en: 'Link this account with an invite code' },
  minRole: 'anyone',
  args: {
    code: arg.positional(
      z.string().optional(),
      { es: 'código', en: 'code' },
      { es: 'El código que te dieron', en: 'The code you were given' },
    ),
  },
  async run(ctx, args) {
    if (ctx.user) {
      const linked = ctx.t('start.already_linked', {
        name: ctx.user.displayName,
        role: ctx.t(`role.${ctx.user.role}`),
      });
      return reply(text(linked), ...(await defaultAlerts(ctx, ctx.user)));
    }
    if (!args.code) return reply(text(ctx.t('start.need_code')));
    const user = await ctx.services.people.redeem(ctx.input.identity, args.code, ctx.input.displayName);
    const linked = ctx.t('start.linked', { name: user.displayName, role: ctx.t(`role.${user.role}`) });
    return reply(text(linked), ...(await defaultAlerts(ctx, user)));
  },
});

/** Stock, order and report alerts go to the owner's first linked chat without asking; the reply says how to stop them. */
async function defaultAlerts(ctx: CommandContext, user: User) {
  const { settings, subscriptions } = ctx.services;
  if (user.role !== 'owner' || ctx.input.platform === 'console' || !(await settings.claimDefaultAlerts())) return [];
  await subscriptions.subscribe(ctx.input.chat, DEFAULT_TOPICS, ctx.locale);
  return [text(alertsState(ctx.t, DEFAULT_TOPICS))];
}

export const inviteCommand = defineCommand({
  name: 'invite',
  aliases: { es: 'invitar' },
  description: {
    es: 'Crea un código de invitación de un solo uso (24 h)',
    en: 'Create a single-use invite code (24 h)',
  },
  minRole: 'admin',
  args: { role: roleArg },
  async run(ctx, args) {
    const { code: value } = await ctx.services.people.createInvite(requireUser(ctx), args.role);
    // The code is a credential: the outbox forgets it once delivered.
    return sensitive(reply(text(ctx.t('invite.created', { role: ctx.t(`role.${args.role}`), code: value }))));
  },
});

export const usersCommand = defineCommand({
  name: 'users',
  aliases: { es: 'usuarios' },
  description: { es: 'Las personas con acceso y sus roles', en: 'People with access and their roles' },
  minRole: 'admin',
  async run(ctx) {
    const people = await ctx.services.people.list();
    const rows = people.map((person) => [
      `#${person.id}`,
      personName(person, ctx.t),
      person.revoked ? ctx.t('users.revoked') : ctx.t(`role.${person.role}`),
      person.identities.join(', '),
    ]);
    const columns = ['users.col_id', 'users.col_name', 'users.col_role', 'users.col_accounts'] as const;
    return reply(
      text(ctx.t('users.title')),
      table(
        columns.map((key) => ctx.t(key)),
        rows,
        { name: 'users' },
      ),
    );
  },
});

export const roleCommand = defineCommand({
  name: 'role',
  aliases: { es: 'rol' },
  description: { es: 'Cambia el rol de una persona', en: "Change a person's role" },
  minRole: 'admin',
  args: { user: userArg, role: roleArg },
  async run(ctx, args) {
    const updated = await ctx.services.people.setRole(requireUser(ctx), args.user, args.role);
    return reply(text(ctx.t('role.changed', { name: updated.displayName, role: ctx.t(`role.${updated.role}`) })));
  },
});

export const revokeCommand = defineCommand({
  name: 'revoke',
  aliases: { es: 'revocar' },
  description: { es: 'Quita el acceso a una persona', en: "Remove a person's access" },
  minRole: 'admin',
  args: { user: userArg },
  async run(ctx, args) {
    const revoked = await ctx.services.people.revoke(requireUser(ctx), args.user);
    return reply(text(ctx.t('revoke.done', { name: revoked.displayName })));
  },
});

export const langCommand = defineCommand({
  name: 'lang',
  aliases: { es: 'idioma', en: 'language' },
  description: { es: 'Elige tu idioma: español o inglés', en: 'Choose your language: Spanish or English' },
  minRole: 'viewer',
  args: {
    language: arg.positional(languageChoice, { es: 'idioma', en: 'language' }, { es: 'El idioma', en: 'The language' }),
  },
  async run(ctx, args) {
    await ctx.services.people.setLocale(requireUser(ctx).id, args.language);
    return reply(text(t(args.language, 'lang.set')));
  },
});
