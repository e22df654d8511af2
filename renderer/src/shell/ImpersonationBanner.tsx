// While platform staff act as a tenant's user: an unmistakable bar on every screen saying who is
// impersonated, in which organization, read-only or not, the time left, with Escalate and End.
// The server enforces all of it (server/impersonation); the bar only tells the truth about it.
import { Badge, Button, Group, Modal, Paper, Stack, Text, Textarea } from '@mantine/core';
import { IconSpy } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { FormErrorAlert } from '../components/FormErrorAlert';
import { useAccess } from '../lib/me';
import { actAsSomeoneElse } from '../screens/impersonation/actAgain';
import { useTRPC } from '../trpc';

function useSecondsUntil(at: Date | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return at ? Math.max(0, Math.ceil((at.getTime() - now) / 1000)) : 0;
}

export function ImpersonationBanner() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me } = useAccess();
  const impersonation = me.impersonation;
  const left = useSecondsUntil(impersonation?.expiresAt ?? null);
  const [escalating, setEscalating] = useState(false);
  const [reason, setReason] = useState('');
  const end = useMutation(trpc.impersonation.end.mutationOptions({ onSettled: () => actAsSomeoneElse(queryClient, 'tenants') }));
  const escalate = useMutation(
    trpc.impersonation.escalate.mutationOptions({
      onSuccess: () => {
        setEscalating(false);
        void queryClient.invalidateQueries();
      },
    }),
  );
  // Expiry is the server's: when the time is up, ask it again (it answers as the staff member).
  useEffect(() => {
    if (impersonation && left === 0) actAsSomeoneElse(queryClient, 'tenants');
  }, [impersonation, left, queryClient]);
  if (!impersonation) return null;
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return (
    <Paper role="alert" aria-label="Impersonation" data-testid="impersonation-banner" radius={0} px="md" py="xs" bg="red.8" c="white" style={{ position: 'sticky', top: 'var(--app-shell-header-height, 60px)', zIndex: 150 }}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="sm" wrap="wrap">
          <IconSpy size={20} aria-hidden />
          <Text size="sm" fw={700}>
            You are impersonating {impersonation.impersonated.name} ({impersonation.impersonated.email}) in {impersonation.organizationName}
          </Text>
          <Badge color={impersonation.mode === 'read_only' ? 'gray' : 'yellow'} variant="filled" data-testid="impersonation-mode">
            {impersonation.mode === 'read_only' ? 'Read-only' : 'Changes allowed'}
          </Badge>
          <Text size="sm" data-testid="impersonation-time-left" aria-live="off">
            {minutes}:{seconds} left · ticket {impersonation.ticketReference}
          </Text>
        </Group>
        <Group gap="xs">
          {impersonation.mode === 'read_only' && (
            <Button size="xs" variant="white" color="red" onClick={() => setEscalating(true)}>
              Allow changes…
            </Button>
          )}
          <Button size="xs" color="dark" loading={end.isPending} onClick={() => end.mutate()}>
            End impersonation
          </Button>
        </Group>
      </Group>
      <Modal opened={escalating} onClose={() => setEscalating(false)} title="Allow changes as this user">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            escalate.mutate({ reason });
          }}
        >
          <Stack>
            <Text size="sm">Changes will be made as {impersonation.impersonated.name}, within their rights, and recorded with your name. Say why they are needed.</Text>
            <Textarea label="Reason for changes" required minRows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <FormErrorAlert error={escalate.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setEscalating(false)}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={escalate.isPending}>
                Allow changes
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}
