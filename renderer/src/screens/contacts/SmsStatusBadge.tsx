import { Badge } from '@mantine/core';

/** Whether a contact can be texted: opted out beats everything, then consent. */
export function SmsStatusBadge({ contact }: { contact: { phone: string | null; consentSms: boolean; optOutSms: boolean } }) {
  if (!contact.phone) return <Badge variant="light" color="gray" tt="none">No phone</Badge>;
  if (contact.optOutSms) return <Badge variant="light" color="red" tt="none">Opted out</Badge>;
  if (contact.consentSms) return <Badge variant="light" color="teal" tt="none">Consent</Badge>;
  return <Badge variant="light" color="gray" tt="none">No consent</Badge>;
}
