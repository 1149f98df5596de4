import { CreateUsersAndApiKeys1732700000000 } from './1732700000000-CreateUsersAndApiKeys.js';
import { CreateUserProviderKeys1732700000001 } from './1732700000001-CreateUserProviderKeys.js';
import { AddUserRoles1733300000000 } from './1733300000000-AddUserRoles.js';
import { AddSessionsAndInvitations1733310000000 } from './1733310000000-AddSessionsAndInvitations.js';
import { CreateServerKeyRations1733320000001 } from './1733320000001-CreateServerKeyRations.js';
import { AddKeyPolicyHealthAndAudit1733700000001 } from './1733700000001-AddKeyPolicyHealthAndAudit.js';
import { CreateTeams1733800000000 } from './1733800000000-CreateTeams.js';
import { CreateUsageLog1733900000000 } from './1733900000000-CreateUsageLog.js';
import { CheaperUsageRequestWrites1734000000000 } from './1734000000000-CheaperUsageRequestWrites.js';

/** Every migration in order; the gateway runs the pending ones on start. */
export const ALL_MIGRATIONS = [
  CreateUsersAndApiKeys1732700000000,
  CreateUserProviderKeys1732700000001,
  AddUserRoles1733300000000,
  AddSessionsAndInvitations1733310000000,
  CreateServerKeyRations1733320000001,
  AddKeyPolicyHealthAndAudit1733700000001,
  CreateTeams1733800000000,
  CreateUsageLog1733900000000,
  CheaperUsageRequestWrites1734000000000,
];
