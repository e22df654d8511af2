// Inputs of Settings → Channels → SMS, checked at the boundary with messages per field.
import { z } from 'zod';
import { CONNECTIONS } from '../credentials/credential-store';
import { plainText } from '../validation/text';

export const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
export const regionSchema = plainText().trim().regex(AWS_REGION, 'Enter an AWS region such as us-east-1.');
const E164 = /^\+[1-9]\d{6,14}$/;

export const saveSmsCredentialsInput = z.object({
  accessKeyId: z.string().max(128).pipe(CONNECTIONS['sns.access_key_id'].schema),
  secretAccessKey: z.string().max(128).pipe(CONNECTIONS['sns.secret_access_key'].schema),
  region: regionSchema,
});

export const updateSmsChannelInput = z
  .object({
    region: regionSchema,
    defaultSmsType: z.enum(['Transactional', 'Promotional']),
    senderId: plainText().trim().regex(/^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/, 'A sender ID has 1–11 letters, digits or hyphens, with at least one letter.').nullable(),
    originationNumber: plainText().trim().regex(E164, 'Pick an origination number in E.164 form (+18445550100).').nullable(),
    partsPerSecond: z.number().int('Parts per second is a whole number.').min(1, 'At least 1 part per second.').max(1000, 'At most 1,000 parts per second.'),
    topicArn: plainText()
      .trim()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/, 'Enter the SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>).')
      .nullable(),
    helpText: plainText().trim().min(1, 'Write the HELP reply.').max(320, 'Keep the HELP reply within 320 characters (two SMS parts).').nullable(),
    complianceFooter: plainText().trim().min(1, 'Write a footer such as "Reply STOP to opt out".').max(60, 'Keep the footer within 60 characters.'),
    quietHoursStart: z.number().int().min(0).max(23),
    quietHoursEnd: z.number().int().min(0).max(23),
  })
  .superRefine((v, ctx) => {
    if (v.quietHoursStart === v.quietHoursEnd) ctx.addIssue({ code: 'custom', path: ['quietHoursEnd'], message: 'Quiet hours must start and end at different hours.' });
    if (v.helpText && !/msg (&|and) data rates may apply/i.test(v.helpText)) {
      ctx.addIssue({ code: 'custom', path: ['helpText'], message: 'The HELP reply must say "Msg & data rates may apply" (CTIA).' });
    }
  });

export const resolveReviewInput = z.object({
  id: z.uuid('Unknown message.'),
  decision: z.enum(['opt_out', 'not_revocation']),
});
