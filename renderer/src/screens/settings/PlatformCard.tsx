// Platform staff: invite-only sign-up (super admins) and issuing a password reset link for someone
// who cannot get one by email (support). Each shown only to those the permission table allows.
import { Alert, Button, Card, Code, CopyButton, Group, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { formatDateTime } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';

export function PlatformCard() {
  const { canPlatform } = useAccess();
  const settings = canPlatform('platform:settings:manage');
  const reset = canPlatform('platform:users:reset_password');
  if (!settings && !reset) return null;
  return (
    <Card>
      <Title order={2} fz="md">
        Platform
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        For platform staff: these apply to every organization on this database.
      </Text>
      <Stack gap="lg">
        {settings && <InviteOnlySwitch />}
        {reset && <IssueResetLink />}
      </Stack>
    </Card>
  );
}

function InviteOnlySwitch() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.platform.settings.queryOptions());
  const set = useMutation(trpc.platform.setInviteOnly.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  return (
    <div>
      <Switch
        label="Invite-only sign-up"
        description="Hide “Create an account” and refuse sign-ups: only invitations create accounts."
        checked={current.data?.inviteOnly ?? false}
        disabled={!current.data || set.isPending}
        onChange={(e) => set.mutate({ inviteOnly: e.currentTarget.checked })}
      />
      <FormErrorAlert error={set.error ?? current.error} />
    </div>
  );
}

function IssueResetLink() {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [reason, setReason] = useState('');
  const issue = useMutation(trpc.platform.issuePasswordResetLink.mutationOptions());
  return (
    <div>
      <Text fw={600} size="sm">
        Password reset link
      </Text>
      <Text size="sm" c="dimmed" mb="xs">
        For someone who cannot get a reset email. Check who they are first: the link lets whoever opens it choose the password. It is shown once, works once, within an hour.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          issue.mutate({ email, reason });
        }}
        noValidate
      >
        <Stack gap="sm" maw={480}>
          <FormErrorAlert error={issue.error} />
          <TextInput label="Their email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <Textarea label="Reason (audited)" placeholder="Ticket 1234: identity checked by phone" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
          <Group>
            <Button type="submit" variant="default" loading={issue.isPending}>
              Issue link
            </Button>
          </Group>
        </Stack>
      </form>
      {issue.data && (
        <Alert color="teal" variant="light" mt="sm" title="Give this link to them now: it is not shown again">
          <Group gap="xs" wrap="nowrap">
            <Code data-testid="reset-link" style={{ wordBreak: 'break-all' }}>
              {issue.data.link}
            </Code>
            <CopyButton value={issue.data.link}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            Valid until {formatDateTime(issue.data.expiresAt)}.
          </Text>
        </Alert>
      )}
    </div>
  );
}
