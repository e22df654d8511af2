import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { findCampaignToChange } from './campaign-access';
import { campaignDraftInput } from './campaign-rules';

export const updateCampaignInput = campaignDraftInput.extend({ campaignId: z.uuid('campaignId must be a campaign id') });

/** Changes a draft; a campaign that was launched keeps what it was sent with. */
export async function updateCampaign(db: Database, actor: Actor, input: z.output<typeof updateCampaignInput>) {
  const campaign = await findCampaignToChange(db, actor, input.campaignId);
  const { campaignId, ...fields } = input;
  const { count } = await db.prisma.campaign.updateMany({
    where: { organizationId: actor.organizationId, id: campaign.id, status: 'draft' },
    data: { ...fields, body: fields.body.trim() },
  });
  if (count === 0) throw new AppError('CONFLICT', 'Only a draft can be edited: this campaign has been launched. Duplicate it to send a changed version.');
  return { id: campaignId };
}
