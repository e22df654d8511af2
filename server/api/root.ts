import { accountRouter } from './routers/account';
import { apiKeysRouter } from './routers/api-keys';
import { auditRouter } from './routers/audit';
import { billingRouter } from './routers/billing';
import { campaignsRouter } from './routers/campaigns';
import { connectionsRouter } from './routers/connections';
import { contactsRouter } from './routers/contacts';
import { billingOverageRouter } from './routers/billing-overage';
import { authRouter } from './routers/auth';
import { invitationsRouter } from './routers/invitations';
import { membersRouter } from './routers/members';
import { outboxRouter } from './routers/outbox';
import { platformRouter } from './routers/platform';
import { platformAdminRouter } from './routers/platform-admin';
import { teamsRouter } from './routers/teams';
import { usageRouter } from './routers/usage';
import { organizationRouter } from './routers/organization';
import { settingsRouter } from './routers/settings';
import { setupRouter } from './routers/setup';
import { alertsRouter } from './routers/alerts';
import { notificationsRouter } from './routers/notifications';
import { webhooksRouter } from './routers/webhooks';
import { smsRouter } from './routers/sms';
import { impersonationRouter } from './routers/impersonation';
import { exportsRouter } from './routers/exports';
import { planLabReplayRouter } from './routers/plan-lab-replay';
import { planLabRouter } from './routers/plan-lab';
import { router } from './trpc';

export const appRouter = router({
  setup: setupRouter,
  auth: authRouter,
  account: accountRouter,
  organization: organizationRouter,
  settings: settingsRouter,
  members: membersRouter,
  teams: teamsRouter,
  invitations: invitationsRouter,
  outbox: outboxRouter,
  audit: auditRouter,
  apiKeys: apiKeysRouter,
  usage: usageRouter,
  platform: platformRouter,
  billingOverage: billingOverageRouter,
  billing: billingRouter,
  connections: connectionsRouter,
  campaigns: campaignsRouter,
  contacts: contactsRouter,
  alerts: alertsRouter,
  notifications: notificationsRouter,
  webhooks: webhooksRouter,
  sms: smsRouter,
  impersonation: impersonationRouter,
  platformAdmin: platformAdminRouter,
  exports: exportsRouter,
  planLabReplay: planLabReplayRouter,
  planLab: planLabRouter,
});

export type AppRouter = typeof appRouter;
