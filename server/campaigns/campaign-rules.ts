// What a campaign may hold, and the words for its states. Shared by the server's inputs and the
// renderer's composer.
import { z } from 'zod';
import { plainText } from '../validation/text';
import { MAX_BODY_CHARACTERS } from './message-segments';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'canceled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'blocked_quota', 'skipped_opt_out', 'skipped_quiet_hours', 'unknown', 'canceled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const SMS_TYPES = ['Promotional', 'Transactional'] as const;

const tag = plainText().trim().min(1, 'A tag cannot be empty.').max(60, 'A tag has at most 60 characters.');

export const campaignFields = {
  name: plainText().trim().min(1, 'Give the campaign a name.').max(120, 'A campaign name has at most 120 characters.'),
  body: plainText({ multiline: true })
    .refine((b) => b.trim().length > 0, 'Write the message: it cannot be empty.')
    .refine((b) => [...b.trim()].length <= MAX_BODY_CHARACTERS, `The message is longer than ${MAX_BODY_CHARACTERS} characters (the most one SMS send can carry); shorten it.`),
  smsType: z.enum(SMS_TYPES, 'Choose Promotional or Transactional.'),
  appendFooter: z.boolean(),
  includeTags: z.array(tag).max(50, 'Use at most 50 tags.'),
  excludeTags: z.array(tag).max(50, 'Use at most 50 tags.'),
  quietHoursAction: z.enum(['hold', 'skip'], 'Choose to hold or skip recipients in quiet hours.'),
};

export const scheduledAtField = z.coerce.date('scheduledAt must be a date and time');

export const campaignDraftInput = z.object({
  name: campaignFields.name,
  body: campaignFields.body,
  smsType: campaignFields.smsType.default('Promotional'),
  appendFooter: campaignFields.appendFooter.default(true),
  includeTags: campaignFields.includeTags.default([]),
  excludeTags: campaignFields.excludeTags.default([]),
  quietHoursAction: campaignFields.quietHoursAction.default('hold'),
});
export type CampaignDraft = z.output<typeof campaignDraftInput>;

/** Statuses in which the campaign's send is over: nothing more will go out. */
export const FINISHED_STATUSES: readonly string[] = ['completed', 'canceled', 'failed'];
