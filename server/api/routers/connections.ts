import { connectionNameInput, deleteConnection, listConnections, saveConnection, saveConnectionInput, testConnection } from '../../credentials/manage-connections';
import {
  deleteOrganizationSmsConnection,
  listOrganizationSmsConnections,
  organizationConnectionInput,
  testOrganizationSmsConnection,
} from '../../credentials/organization-sms-connections';
import { platformProcedure, router } from '../trpc';

/** Settings → Connections: provider secrets in the OS keychain; only status and last four come back. */
export const connectionsRouter = router({
  list: platformProcedure('platform:settings:manage').query(({ ctx }) => listConnections(ctx)),
  save: platformProcedure('platform:settings:manage').input(saveConnectionInput).mutation(({ ctx, input }) => saveConnection(ctx, ctx.user.id, input)),
  delete: platformProcedure('platform:settings:manage').input(connectionNameInput).mutation(({ ctx, input }) => deleteConnection(ctx, ctx.user.id, input)),
  test: platformProcedure('platform:settings:manage').input(connectionNameInput).mutation(({ ctx, input }) => testConnection(ctx, input)),
  organizationSms: platformProcedure('platform:settings:manage').query(({ ctx }) => listOrganizationSmsConnections(ctx)),
  testOrganizationSms: platformProcedure('platform:settings:manage').input(organizationConnectionInput).mutation(({ ctx, input }) => testOrganizationSmsConnection(ctx, input)),
  deleteOrganizationSms: platformProcedure('platform:settings:manage').input(organizationConnectionInput).mutation(({ ctx, input }) => deleteOrganizationSmsConnection(ctx, ctx.user.id, input)),
});
