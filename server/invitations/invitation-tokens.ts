import type { Prisma } from '../db/generated/client';

type Tx = Pick<Prisma.TransactionClient, 'invitationToken'>;

/**
 * Points a link's token hash at its invitation, in the transaction that sets invitations.token_hash.
 * invitation_tokens is global (a link names no organization) while invitations is per tenant
 * (server/db/distribution.ts). A new link replaces the invitation's earlier one, which stops working.
 */
export async function setInvitationToken(tx: Tx, organizationId: string, invitationId: string, tokenHash: string): Promise<void> {
  await tx.invitationToken.deleteMany({ where: { organizationId, invitationId } });
  await tx.invitationToken.create({ data: { tokenHash, organizationId, invitationId } });
}
