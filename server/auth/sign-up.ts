import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { uniqueOrganizationSlug } from '../organizations/slugify';
import type { AuthPolicy } from './auth-policy';
import { createSession } from './create-session';
import { hashPassword, passwordSchema } from './passwords';
import { emailSchema, organizationNameSchema, personNameSchema } from './validation';
import { Prisma } from '../db/generated/client';
import { isInviteOnly } from '../platform/platform-settings';
import { withPasswordOf } from './password-rules';

export const signUpInput = withPasswordOf(
  z.object({
    name: personNameSchema,
    email: emailSchema,
    password: passwordSchema,
    organizationName: organizationNameSchema,
    remember: z.boolean().default(false),
  }),
  'password',
  (v) => [v.email, v.name, v.organizationName],
);
export type SignUpInput = z.infer<typeof signUpInput>;

export const INVITE_ONLY = 'New accounts are by invitation only here. Ask an administrator of your organization to invite you.';

export const EMAIL_TAKEN = 'An account with this email already exists. Sign in instead, or use another email.';

/** Creates a user, their organization (they become its owner) and a session, all or nothing. */
export async function signUp(
  db: Database,
  input: SignUpInput,
  deps: { clock: Clock; policy: AuthPolicy; userAgent?: string | null; platformRole?: 'super_admin' },
) {
  // Refused on the server, not only hidden in the console. The first-run wizard (the only caller
  // that makes a super admin) creates the first account whatever the setting.
  if (!deps.platformRole && (await isInviteOnly(db))) throw new AppError('FORBIDDEN', INVITE_ONLY);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.prisma.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
        throw new AppError('CONFLICT', EMAIL_TAKEN, { field: 'email' });
      }
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash, platformRole: deps.platformRole ?? null, lastSignInAt: deps.clock.now() },
      });
      const organization = await tx.organization.create({
        data: { name: input.organizationName, slug: await uniqueOrganizationSlug(tx, input.organizationName) },
      });
      await tx.membership.create({ data: { organizationId: organization.id, userId: user.id, role: 'owner' } });
      await recordAuditEvent(tx, {
        organizationId: organization.id,
        actorUserId: user.id,
        action: 'organization.create',
        targetType: 'organization',
        targetId: organization.id,
        after: { name: organization.name, slug: organization.slug, owner: user.email },
      });
      const session = await createSession(
        tx,
        { userId: user.id, remember: input.remember, activeOrganizationId: organization.id, userAgent: deps.userAgent },
        deps,
      );
      return { ...session, userId: user.id, organizationId: organization.id };
    });
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides, the loser gets the same message.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError('CONFLICT', EMAIL_TAKEN, { field: 'email' });
    }
    throw error;
  }
}
