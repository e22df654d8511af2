// The composer's preview: who receives the message after consent, opt-outs and quiet hours, how
// many parts, and what it costs per destination country. Writes nothing.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { campaignDraftInput, scheduledAtField } from './campaign-rules';
import { planCampaignSend } from './plan-campaign-send';

export const previewCampaignInput = campaignDraftInput.extend({ scheduledAt: scheduledAtField.optional() });

export async function previewCampaign(db: Database, actor: Actor, input: z.output<typeof previewCampaignInput>, clock: Clock) {
  const now = clock.now();
  const startAt = input.scheduledAt && input.scheduledAt > now ? input.scheduledAt : now;
  const { written: _written, ...plan } = await planCampaignSend(db, actor, input, { startAt, now });
  return { ...plan, startAt, refusal: plan.counts.eligible === 0 ? noRecipientsMessage(plan.counts) : null };
}

export function noRecipientsMessage(counts: { matched: number; noConsent: number; optedOut: number; skippedQuietHours: number }): string {
  if (counts.matched === 0) return 'No contact with a phone number matches these tags: nobody would receive this campaign.';
  const reasons = [
    counts.noConsent ? `${counts.noConsent} without SMS consent` : null,
    counts.optedOut ? `${counts.optedOut} opted out` : null,
    counts.skippedQuietHours ? `${counts.skippedQuietHours} in quiet hours (set to skip)` : null,
  ].filter(Boolean);
  return `No eligible recipients: of ${counts.matched} matching contacts, ${reasons.join(', ')}.`;
}
