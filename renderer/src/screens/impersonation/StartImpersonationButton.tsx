// Tenants → a tenant → "Impersonate a user": support chooses one of the tenant's users, says why and
// for which ticket, and for how long (30 minutes unless changed). The session then acts as that user,
// read-only, with the banner on every screen (server/impersonation/start-impersonation.ts).
import { Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconSpy } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { orgRoleLabel, useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { actAsSomeoneElse } from './actAgain';

export function StartImpersonationButton({ organizationId, organizationName }: { organizationId: string; organizationName: string }) {
  const { canPlatform } = useAccess();
  const [open, setOpen] = useState(false);
  if (!canPlatform('platform:impersonate')) return null;
  return (
    <>
      <Button size="xs" variant="default" color="red" leftSection={<IconSpy size={14} />} onClick={() => setOpen(true)}>
        Impersonate a user
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Impersonate a user of ${organizationName}`} size="lg">
        {open && <StartImpersonationForm organizationId={organizationId} onCancel={() => setOpen(false)} />}
      </Modal>
    </>
  );
}

function StartImpersonationForm({ organizationId, onCancel }: { organizationId: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const candidates = useQuery(trpc.impersonation.candidates.queryOptions({ organizationId }));
  const [userId, setUserId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [ticketReference, setTicketReference] = useState('');
  const [durationMinutes, setDuration] = useState<number>(30);
  const start = useMutation(trpc.impersonation.start.mutationOptions({ onSuccess: () => actAsSomeoneElse(queryClient, 'dashboard') }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (userId) start.mutate({ organizationId, userId, reason, ticketReference, durationMinutes });
      }}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          You will see the console as this person sees it, read-only, until you end it or the time runs out. Making changes needs a second reason. The organization’s owners see this session, your reason
          and the ticket in their audit log.
        </Text>
        <Select
          label="User"
          placeholder={candidates.isPending ? 'Loading…' : 'Choose a user'}
          searchable
          required
          data={(candidates.data ?? []).map((c) => ({ value: c.userId, label: `${c.name} · ${c.email} · ${orgRoleLabel(c.role)}` }))}
          value={userId}
          onChange={setUserId}
        />
        <Textarea label="Reason" description="Why you need to act as this person" required minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <TextInput label="Ticket reference" required value={ticketReference} onChange={(e) => setTicketReference(e.currentTarget.value)} />
        <NumberInput label="Duration (minutes)" min={5} max={120} value={durationMinutes} onChange={(v) => setDuration(typeof v === 'number' ? v : 30)} />
        <FormErrorAlert error={start.error ?? candidates.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={start.isPending} disabled={!userId}>
            Start impersonating
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
