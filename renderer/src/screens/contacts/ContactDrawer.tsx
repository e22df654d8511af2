// One contact in a side drawer: its fields (editable by whoever may change it), its SMS consent and
// opt-out with the actions a person may take, and the full consent history.
import { Alert, Badge, Button, Drawer, Group, Select, Skeleton, Stack, Text, TextInput, Timeline } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconCheck, IconHistory, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { CONSENT_SOURCE_LABELS, MANUAL_CONSENT_SOURCES, type ConsentSource } from '../../../../server/contacts/contact-rules';
import { ConfirmModal } from '../../components/ConfirmModal';
import { DrawerSection } from '../../components/DrawerSection';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { formatDateTime } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { ContactFields, type ContactFieldValues } from './ContactFields';
import { SmsStatusBadge } from './SmsStatusBadge';

type Details = RouterOutputs['contacts']['get'];

export function ContactDrawer({ contactId, onClose }: { contactId: string | null; onClose: () => void }) {
  const [shown, setShown] = useState(contactId);
  useEffect(() => {
    if (contactId) setShown(contactId);
  }, [contactId]);
  return (
    <Drawer opened={!!contactId} onClose={onClose} position="right" size={520} title={<Text fw={650}>Contact</Text>} padding="lg">
      {shown && <ContactDetails key={shown} contactId={shown} onDeleted={onClose} />}
    </Drawer>
  );
}

function useInvalidateContacts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() })]);
}

function ContactDetails({ contactId, onDeleted }: { contactId: string; onDeleted: () => void }) {
  const trpc = useTRPC();
  const details = useQuery(trpc.contacts.get.queryOptions({ id: contactId }));
  if (details.isError) return <ErrorState error={details.error} onRetry={() => details.refetch()} title="This contact could not be loaded" />;
  if (!details.data) return <Skeleton h={400} />;
  return (
    <Stack gap="lg">
      <EditSection details={details.data} />
      <ConsentSection details={details.data} />
      <HistorySection details={details.data} />
      {details.data.canManage && <DeleteSection details={details.data} onDeleted={onDeleted} />}
    </Stack>
  );
}

function toValues(d: Details): ContactFieldValues {
  return { name: d.contact.name, phone: d.contact.phone ?? '', country: null, email: d.contact.email ?? '', tags: d.contact.tags, ownerUserId: d.contact.ownerUserId, teamId: d.contact.teamId };
}

function EditSection({ details }: { details: Details }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateContacts();
  const [values, setValues] = useState(() => toValues(details));
  useEffect(() => setValues(toValues(details)), [details]);
  const save = useMutation(
    trpc.contacts.update.mutationOptions({
      onSuccess: async (result) => {
        await invalidate();
        notifications.show({ color: 'teal', title: 'Contact saved', message: result.consentReset ? 'The phone number changed, so SMS consent starts over for the new number.' : 'Your changes are saved.' });
      },
    }),
  );
  const c = details.contact;
  const dirty = JSON.stringify(values) !== JSON.stringify(toValues(details));
  return (
    <DrawerSection title={c.name || c.phone || c.email || 'Contact'} hint={`Owner: ${details.ownerName}${details.teamName ? ` · Team: ${details.teamName}` : ''}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            id: c.id,
            name: values.name,
            phone: values.phone,
            country: values.country ?? undefined,
            email: values.email,
            tags: values.tags,
            ownerUserId: values.ownerUserId ?? undefined,
            teamId: values.teamId,
          });
        }}
      >
        <Stack gap="sm">
          {!details.canManage && (
            <Alert variant="light" color="gray" py="xs">
              You can see this contact but not change it (it is not yours or your teams’).
            </Alert>
          )}
          <FormErrorAlert error={save.error} />
          <ContactFields value={values} onChange={setValues} error={save.error} disabled={!details.canManage} />
          {details.canManage && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!dirty}>
                Save
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </DrawerSection>
  );
}

function ConsentSection({ details }: { details: Details }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateContacts();
  const c = details.contact;
  const optedOut = c.optOutSms || !!details.optOutListed;
  const [confirmOptOut, setConfirmOptOut] = useState(false);
  const [granting, setGranting] = useState(false);
  const [source, setSource] = useState<ConsentSource>('manual');
  const [detail, setDetail] = useState('');
  const change = useMutation(
    trpc.contacts.changeConsent.mutationOptions({
      onSuccess: async (result) => {
        await invalidate();
        setConfirmOptOut(false);
        setGranting(false);
        setDetail('');
        const titles: Record<string, string> = { opted_out: 'Opted out', opted_in: 'Opted back in', consent_granted: 'Consent recorded', consent_revoked: 'Consent revoked' };
        notifications.show({ color: result.change === 'opted_out' ? 'orange' : 'teal', title: titles[result.change] ?? 'Saved', message: 'The change is in the consent history.' });
      },
    }),
  );
  if (!c.phone) {
    return (
      <DrawerSection title="SMS consent">
        <Text size="sm" c="dimmed">
          Add a phone number to record SMS consent.
        </Text>
      </DrawerSection>
    );
  }
  return (
    <DrawerSection title="SMS consent" hint="Only contacts with consent who have not opted out receive campaigns.">
      <Stack gap="sm">
        <Group gap="sm">
          <SmsStatusBadge contact={c} />
          <Text size="sm" c="dimmed">
            {optedOut
              ? `Opted out ${formatDateTime(c.optOutAt ?? details.optOutListed?.at ?? null)}${details.optOutListed ? ` (${CONSENT_SOURCE_LABELS[details.optOutListed.source as ConsentSource] ?? details.optOutListed.source})` : ''}`
              : c.consentSms
                ? `Given ${formatDateTime(c.consentAt)} · ${CONSENT_SOURCE_LABELS[c.consentSource as ConsentSource] ?? c.consentSource ?? ''}`
                : 'Not given'}
          </Text>
        </Group>
        {!change.isPending && <FormErrorAlert error={confirmOptOut ? null : change.error} />}
        {details.canManage && !granting && (
          <Group gap="sm">
            {!optedOut && (
              <Button variant="light" color="red" leftSection={<IconBan size={16} />} onClick={() => setConfirmOptOut(true)}>
                Opt out
              </Button>
            )}
            {!c.consentSms || optedOut ? (
              <Button variant="light" leftSection={<IconCheck size={16} />} onClick={() => setGranting(true)}>
                {optedOut ? 'Opt back in…' : 'Record consent…'}
              </Button>
            ) : (
              <Button variant="default" onClick={() => change.mutate({ id: c.id, action: 'revoke' })} loading={change.isPending}>
                Revoke consent
              </Button>
            )}
          </Group>
        )}
        {granting && (
          <Stack gap="xs" p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }}>
            {optedOut && (
              <Text size="sm">
                This number opted out. Opt it back in only when the person has given consent again, and say how.
              </Text>
            )}
            <Select
              label="Where the consent came from"
              data={MANUAL_CONSENT_SOURCES.map((s) => ({ value: s, label: CONSENT_SOURCE_LABELS[s] }))}
              value={source}
              onChange={(v) => v && setSource(v as ConsentSource)}
              allowDeselect={false}
            />
            <TextInput
              label={optedOut ? 'How they gave consent again (required)' : 'Note (optional)'}
              placeholder="e.g. signed form 123, replied START on 2 Dec"
              value={detail}
              onChange={(e) => setDetail(e.currentTarget.value)}
              maxLength={200}
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setGranting(false)}>
                Cancel
              </Button>
              <Button onClick={() => change.mutate({ id: c.id, action: 'grant', source: source as (typeof MANUAL_CONSENT_SOURCES)[number], detail: detail.trim() || undefined })} loading={change.isPending}>
                {optedOut ? 'Opt back in' : 'Record consent'}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
      <ConfirmModal
        opened={confirmOptOut}
        onClose={() => setConfirmOptOut(false)}
        onConfirm={() => change.mutate({ id: c.id, action: 'opt_out' })}
        title="Opt this number out of SMS?"
        confirmLabel="Opt out"
        pending={change.isPending}
        error={confirmOptOut ? change.error : null}
      >
        <Text size="sm">
          {c.phone} will never receive SMS from this organization, whichever contact holds it. Opting back in later needs consent given again, with where it came from.
        </Text>
      </ConfirmModal>
    </DrawerSection>
  );
}

const CHANGE_LABELS: Record<string, { label: string; color: string }> = {
  consent_granted: { label: 'Consent given', color: 'teal' },
  consent_revoked: { label: 'Consent revoked', color: 'gray' },
  opted_out: { label: 'Opted out', color: 'red' },
  opted_in: { label: 'Opted back in', color: 'teal' },
  phone_changed: { label: 'Phone number changed', color: 'yellow' },
};

function HistorySection({ details }: { details: Details }) {
  return (
    <DrawerSection title="Consent history" hint="Every change to this number’s SMS consent, newest first; kept even if the contact is deleted.">
      {details.history.length === 0 ? (
        <Group gap="xs" c="dimmed">
          <IconHistory size={16} />
          <Text size="sm">No consent changes recorded.</Text>
        </Group>
      ) : (
        <Timeline bulletSize={14} lineWidth={2} aria-label="Consent history">
          {details.history.map((h) => (
            <Timeline.Item key={h.id} color={CHANGE_LABELS[h.change]?.color ?? 'gray'} title={<Text size="sm" fw={600}>{CHANGE_LABELS[h.change]?.label ?? h.change}</Text>}>
              <Text size="xs" c="dimmed">
                {formatDateTime(h.occurredAt)} · {CONSENT_SOURCE_LABELS[h.source as ConsentSource] ?? h.source}
                {h.actorName ? ` · by ${h.actorName}` : ''}
              </Text>
              {h.detail && (
                <Badge variant="light" color="gray" tt="none" fw={500} mt={4}>
                  {h.detail}
                </Badge>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </DrawerSection>
  );
}

function DeleteSection({ details, onDeleted }: { details: Details; onDeleted: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateContacts();
  const [confirm, setConfirm] = useState(false);
  const remove = useMutation(
    trpc.contacts.delete.mutationOptions({
      onSuccess: async () => {
        setConfirm(false);
        onDeleted();
        await invalidate();
        notifications.show({ color: 'teal', title: 'Contact deleted', message: 'Its consent history and any opt-out of its number are kept.' });
      },
    }),
  );
  return (
    <Group justify="flex-end">
      <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirm(true)}>
        Delete contact
      </Button>
      <ConfirmModal opened={confirm} onClose={() => setConfirm(false)} onConfirm={() => remove.mutate({ ids: [details.contact.id] })} title="Delete this contact?" confirmLabel="Delete" pending={remove.isPending} error={remove.error}>
        <Text size="sm">The consent history and any opt-out of {details.contact.phone ?? 'its number'} stay, so the number cannot be texted by mistake if added again.</Text>
      </ConfirmModal>
    </Group>
  );
}
