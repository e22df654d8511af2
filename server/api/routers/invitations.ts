import { acceptInvitation, acceptInvitationInput } from '../../invitations/accept-invitation';
import { createInvitation, invitationTargetSchema } from '../../invitations/create-invitation';
import { createInvitations, createInvitationsInput } from '../../invitations/create-invitations';
import { describeInvitation, invitationTokenInput } from '../../invitations/describe-invitation';
import { bulkInvitationsInput } from '../../invitations/bulk-invitations';
import { listInvitations, listInvitationsInput } from '../../invitations/list-invitations';
import { previewInvitationCsv, previewInvitationCsvInput } from '../../invitations/preview-invitation-csv';
import { invitationIdInput, resendInvitation } from '../../invitations/resend-invitation';
import { resendInvitations } from '../../invitations/resend-invitations';
import { revokeInvitation } from '../../invitations/revoke-invitation';
import { revokeInvitations } from '../../invitations/revoke-invitations';
import { orgProcedure, publicProcedure, router } from '../trpc';

export const invitationsRouter = router({
  list: orgProcedure('invitations:manage').input(listInvitationsInput).query(({ ctx, input }) => listInvitations(ctx.db, ctx.actor, ctx.clock, input)),
  create: orgProcedure('invitations:manage').input(invitationTargetSchema).mutation(({ ctx, input }) => createInvitation(ctx, ctx.actor, input)),
  previewCsv: orgProcedure('invitations:manage').input(previewInvitationCsvInput).mutation(({ ctx, input }) => previewInvitationCsv(ctx.db, ctx.actor, input, ctx.clock)),
  createMany: orgProcedure('invitations:manage').input(createInvitationsInput).mutation(({ ctx, input }) => createInvitations(ctx, ctx.actor, input)),
  resend: orgProcedure('invitations:manage').input(invitationIdInput).mutation(({ ctx, input }) => resendInvitation(ctx, ctx.actor, input)),
  revoke: orgProcedure('invitations:manage').input(invitationIdInput).mutation(({ ctx, input }) => revokeInvitation(ctx, ctx.actor, input)),
  /** Bulk, from the selected rows: done and skipped (with why) per invitation; a foreign id refuses all. */
  revokeMany: orgProcedure('invitations:manage').input(bulkInvitationsInput).mutation(({ ctx, input }) => revokeInvitations(ctx, ctx.actor, input)),
  resendMany: orgProcedure('invitations:manage').input(bulkInvitationsInput).mutation(({ ctx, input }) => resendInvitations(ctx, ctx.actor, input)),

  /** Public: the link itself is the credential. */
  describe: publicProcedure.input(invitationTokenInput).query(({ ctx, input }) => describeInvitation(ctx.db, input, { clock: ctx.clock, callerEmail: ctx.session?.user.email ?? null })),
  accept: publicProcedure.input(acceptInvitationInput).mutation(async ({ ctx, input }) => {
    const caller = ctx.session ? { sessionId: ctx.session.id, userId: ctx.session.user.id, email: ctx.session.user.email } : null;
    const { session } = await acceptInvitation(ctx.db, input, { clock: ctx.clock, policy: ctx.authPolicy, userAgent: ctx.request.userAgent, caller });
    // Signed out: the new account's session. Signed in: the same session, now acting in the organization.
    if (session) await ctx.carrier.store(session.token, { remember: input.remember, expiresAt: session.expiresAt });
    return { ok: true as const };
  }),
});
