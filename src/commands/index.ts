import { apikeysCommand } from './apikeys.ts';
import { productCommand } from './catalogue.ts';
import { filterCommand } from './filters.ts';
import { helpCommand } from './help.ts';
import { historyCommand } from './history.ts';
import { notifyCommand } from './notify.ts';
import { inviteCommand, langCommand, revokeCommand, roleCommand, startCommand, usersCommand } from './people.ts';
import type { Command } from './registry.ts';
import { reportCommand } from './reports.ts';
import { commitCommand, releaseCommand, reservationsCommand, reserveCommand, shipCommand } from './reservations.ts';
import { searchCommand } from './search.ts';
import { settingsCommand } from './settings.ts';
import { connectCommand, disconnectCommand, shopsCommand, syncCommand } from './shops.ts';
import { statsCommand } from './stats.ts';
import { stockCommand } from './stock.ts';
import { cancelCommand, tasksCommand } from './tasks.ts';
import { watchCommand } from './watches.ts';

/** The commands every bodega has; features add theirs next to these in main.ts. */
export const coreCommands: Command[] = [
  helpCommand,
  startCommand,
  inviteCommand,
  usersCommand,
  roleCommand,
  revokeCommand,
  langCommand,
  notifyCommand,
  tasksCommand,
  cancelCommand,
  stockCommand,
  productCommand,
  reserveCommand,
  releaseCommand,
  commitCommand,
  shipCommand,
  reservationsCommand,
  historyCommand,
  apikeysCommand,
  searchCommand,
  filterCommand,
  watchCommand,
  settingsCommand,
  reportCommand,
  statsCommand,
  syncCommand,
  connectCommand,
  disconnectCommand,
  shopsCommand,
];
