/**
 * Domain command groups, loaded only when used: `iamkit <domain> ...`.
 * A domain adds ONE line here (see COMMANDS.md); nothing else in the CLI changes.
 */
import type { IamkitCommandDef } from '../command.js';

export const domainCommands: Record<string, () => Promise<IamkitCommandDef>> = {
  groups: () => import('./groups/index.js').then((m) => m.default),
  authress: () => import('./authress/index.js').then((m) => m.default),
};
