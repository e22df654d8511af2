// The fields of a contact, for adding one and for editing it in the drawer. The server normalises
// and checks them (phone to E.164, tags lowercase); its per-field messages show under each input.
import { Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { MAX_TAGS_PER_CONTACT } from '../../../../server/contacts/contact-rules';
import { fieldErrorsOf } from '../../lib/errors';
import { useTRPC } from '../../trpc';
import { COUNTRY_OPTIONS } from './countries';

export interface ContactFieldValues {
  name: string;
  phone: string;
  country: string | null;
  email: string;
  tags: string[];
  ownerUserId: string | null;
  teamId: string | null;
}

export function ContactFields({ value, onChange, error, disabled }: { value: ContactFieldValues; onChange: (v: ContactFieldValues) => void; error?: unknown; disabled?: boolean }) {
  const trpc = useTRPC();
  const assignees = useQuery(trpc.contacts.assignees.queryOptions());
  const tags = useQuery(trpc.contacts.tags.queryOptions());
  const fields = fieldErrorsOf(error);
  const set = (patch: Partial<ContactFieldValues>) => onChange({ ...value, ...patch });
  const defaultCountry = assignees.data?.defaultCountry;
  return (
    <Stack gap="sm">
      <TextInput label="Name" value={value.name} onChange={(e) => set({ name: e.currentTarget.value })} error={fields.name} disabled={disabled} maxLength={200} />
      <SimpleGrid cols={2} spacing="sm">
        <TextInput
          label="Phone"
          placeholder="+1 415 555 0123"
          value={value.phone}
          onChange={(e) => set({ phone: e.currentTarget.value })}
          error={fields.phone}
          disabled={disabled}
          description="International (+…) or national format"
        />
        <Select
          label="Country of national numbers"
          placeholder={defaultCountry ? `${defaultCountry} (organization default)` : 'Choose a country'}
          data={COUNTRY_OPTIONS}
          value={value.country}
          onChange={(country) => set({ country })}
          searchable
          clearable
          disabled={disabled}
          error={fields.country}
        />
      </SimpleGrid>
      <TextInput label="Email" type="email" value={value.email} onChange={(e) => set({ email: e.currentTarget.value })} error={fields.email} disabled={disabled} />
      <TagsInput
        label="Tags"
        description={`Lowercase; letters, digits and a few separators; at most ${MAX_TAGS_PER_CONTACT}.`}
        value={value.tags}
        onChange={(t) => set({ tags: t })}
        data={(tags.data ?? []).map((t) => t.tag)}
        maxTags={MAX_TAGS_PER_CONTACT}
        splitChars={[',', ';']}
        error={fields.tags}
        disabled={disabled}
        clearable
      />
      <SimpleGrid cols={2} spacing="sm">
        <Select
          label="Owner"
          data={(assignees.data?.owners ?? []).map((o) => ({ value: o.userId, label: o.name }))}
          value={value.ownerUserId}
          onChange={(ownerUserId) => set({ ownerUserId })}
          placeholder="You"
          searchable
          disabled={disabled || (assignees.data?.owners.length ?? 0) <= 1}
          error={fields.ownerUserId}
        />
        <Select
          label="Team"
          data={(assignees.data?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={value.teamId}
          onChange={(teamId) => set({ teamId })}
          placeholder="No team"
          clearable
          disabled={disabled}
          error={fields.teamId}
        />
      </SimpleGrid>
    </Stack>
  );
}
