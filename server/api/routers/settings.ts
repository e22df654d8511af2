import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { checkDatabaseUrl, databaseUrlSchema } from '../../config/check-database-url';
import { redactUrl } from '../../db/open-database';
import { platformRoleCan } from '../../permissions/permissions';
import { getSetupStatus } from '../../setup/get-setup-status';
import { publicProcedure, router } from '../trpc';

export const settingsRouter = router({
  /** Whether the database answers: the console's reconnection probe while it shows the offline banner. */
  ping: publicProcedure.query(async ({ ctx }) => {
    await ctx.db.query('select 1');
    return { ok: true as const };
  }),

  /** Which database this console runs on; the URL's password is never returned. */
  database: publicProcedure.query(async ({ ctx }) => {
    const saved = await ctx.settings.savedDatabaseUrl();
    return {
      kind: ctx.db.kind,
      migrations: ctx.db.migrations.applied,
      savedUrl: saved ? redactUrl(saved) : null,
      fromEnvironment: !!process.env.DATABASE_URL,
      keychainAvailable: ctx.keychain.available,
    };
  }),

  /**
   * Saves (or clears, with null) the shared PostgreSQL this installation uses from its next start.
   * Allowed during first-run setup, and afterwards to super admins.
   */
  saveDatabaseConnection: publicProcedure
    .meta({ permission: 'platform:staff:manage' })
    .input(z.object({ url: databaseUrlSchema.nullable() }))
    .mutation(async ({ ctx, input }) => {
      const firstRun = (await getSetupStatus(ctx.db)).needsSetup;
      if (!firstRun && !platformRoleCan(ctx.session?.user.platformRole, 'platform:staff:manage')) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Only a super admin can change the database connection.' });
      }
      if (!ctx.keychain.available) {
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `The OS keychain is not available (${ctx.keychain.unavailableReason}); set DATABASE_URL in the environment instead.` });
      }
      if (input.url) await checkDatabaseUrl(input.url);
      await ctx.settings.saveDatabaseUrl(input.url);
      return { ok: true as const, restartRequired: true };
    }),
});
