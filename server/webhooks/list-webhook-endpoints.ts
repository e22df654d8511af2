import type { Database } from '../db/open-database';
import { SELECT_ENDPOINT } from './update-webhook-endpoint';

/** Endpoints with their last delivery outcome; never a secret (only its first characters). */
export async function listWebhookEndpoints(db: Database, organizationId: string) {
  const endpoints = await db.prisma.webhookEndpoint.findMany({ where: { organizationId }, select: SELECT_ENDPOINT, orderBy: { createdAt: 'asc' } });
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { webhooksAllowPrivateTargets: true } });
  return { endpoints, allowPrivateTargets: org.webhooksAllowPrivateTargets };
}
