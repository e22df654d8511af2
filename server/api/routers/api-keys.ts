import { createApiKey, createApiKeyInput } from '../../api-keys/create-api-key';
import { listApiKeys } from '../../api-keys/list-api-keys';
import { revokeApiKey, revokeApiKeyInput } from '../../api-keys/revoke-api-key';
import { orgProcedure, router } from '../trpc';

export const apiKeysRouter = router({
  list: orgProcedure('api_keys:manage').query(({ ctx }) => listApiKeys(ctx.db, ctx.organizationId)),
  /** Returns the whole key once; only its hash is kept. */
  create: orgProcedure('api_keys:manage').input(createApiKeyInput).mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.actor, input, ctx.clock)),
  revoke: orgProcedure('api_keys:manage').input(revokeApiKeyInput).mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.actor, input, ctx.clock)),
});
