// Every email the organization sent (invitations so far), newest first. Without SMTP this is where
// an admin picks up an invitation link to pass on; with SMTP it shows what went out, or failed.
// Links are stored only encrypted (or not at all): one that is not here can be resent.
import { ActionIcon, Anchor, Badge, Button, Card, Collapse, Code, CopyButton, EmptyState, Group, Skeleton, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconChevronDown, IconCopy, IconExternalLink, IconInbox, IconMailForward, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

type Email = RouterOutputs['outbox']['list'][number];

const STATUS_COLORS: Record<string, string> = { sent: 'teal', queued: 'yellow', failed: 'red' };

/**
 * Where an email's link opens from here. A link to this very console (browser mode) is used as it
 * is; otherwise (a desktop `meterdesk://invite/<token>` deep link, or another address) an invitation
 * link opens the in-app accept screen.
 */
export function openHref(link: string): string {
  try {
    const url = new URL(link);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === window.location.origin) return link;
  } catch {
    // not an absolute URL: fall through
  }
  const invite = /invite\/([A-Za-z0-9_-]+)/.exec(link);
  return invite ? `#/invite/${invite[1]}` : link;
}

export function OutboxPanel() {
  const trpc = useTRPC();
  const outbox = useQuery(trpc.outbox.list.queryOptions());

  if (outbox.isError) return <ErrorState error={outbox.error} onRetry={() => outbox.refetch()} title="The outbox could not be loaded" />;
  if (!outbox.data) {
    return (
      <Stack gap="sm" aria-busy="true" aria-label="Loading the outbox">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} h={110} radius="lg" />
        ))}
      </Stack>
    );
  }
  if (outbox.data.length === 0) {
    return (
      <EmptyState
        py={56}
        variant="light"
        icon={<IconInbox size={26} />}
        title="No emails yet"
        description="Invitations you send appear here, with their links, whether or not an email server is configured."
        style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
      />
    );
  }
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {outbox.data.length === 1 ? 'One email so far.' : `The latest ${outbox.data.length} emails.`} Copy a link to share it yourself, or open it here.
        </Text>
        <Button size="xs" variant="subtle" color="gray" leftSection={<IconRefresh size={14} />} loading={outbox.isFetching} onClick={() => outbox.refetch()}>
          Refresh
        </Button>
      </Group>
      <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Outbox messages">
        {outbox.data.map((email) => (
          <OutboxEmail key={email.id} email={email} />
        ))}
      </Stack>
    </Stack>
  );
}

function OutboxEmail({ email }: { email: Email }) {
  const [opened, { toggle }] = useDisclosure(false);
  const at = email.sentAt ?? email.createdAt;
  return (
    <Card component="li" p="md">
      <Group justify="space-between" align="flex-start" gap="sm" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Text fw={600} size="sm" lineClamp={2}>
            {email.subject}
          </Text>
          <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
            To {email.to}
          </Text>
        </div>
        <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }}>
          {email.transport === 'smtp' ? (
            <Tooltip label={email.error ?? 'Delivered through SMTP'} multiline maw={320}>
              <Badge color={STATUS_COLORS[email.status] ?? 'gray'} variant="light">
                {email.status === 'sent' ? 'Sent' : email.status === 'queued' ? 'Queued' : email.status === 'failed' ? 'Failed' : email.status}
              </Badge>
            </Tooltip>
          ) : (
            // Nothing left this computer: say so, rather than "Sent".
            <Tooltip label="No email server is set up (SMTP_URL): copy the link and send it yourself." multiline maw={320}>
              <Badge color="gray" variant="light">
                Not sent (no email server)
              </Badge>
            </Tooltip>
          )}
          <Text size="xs" c="dimmed" title={formatDateTime(at)}>
            {formatRelative(at)}
          </Text>
        </Stack>
      </Group>
      {email.error && (
        <Text size="xs" c="red" mt={6}>
          {email.error}
        </Text>
      )}
      {email.link && <LinkField link={email.link} to={email.to} />}
      {!email.link && email.linkState && <LinkNotKept email={email} />}
      <Anchor component="button" type="button" size="xs" mt="xs" c="dimmed" onClick={toggle} aria-expanded={opened}>
        <Group gap={4} component="span">
          {opened ? 'Hide email' : 'Show email'}
          <IconChevronDown size={12} style={{ transform: opened ? 'rotate(180deg)' : undefined, transition: 'transform 120ms' }} />
        </Group>
      </Anchor>
      <Collapse expanded={opened}>
        <Code block mt="xs" fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {email.text}
        </Code>
      </Collapse>
    </Card>
  );
}

function LinkField({ link, to }: { link: string; to: string }) {
  return (
    <Group gap="xs" mt="sm" wrap="nowrap">
      <TextInput
        size="xs"
        readOnly
        value={link}
        aria-label={`Link sent to ${to}`}
        onFocus={(e) => e.currentTarget.select()}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        style={{ flex: 1, minWidth: 0 }}
      />
      <CopyButton value={link} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy link'}>
            <ActionIcon variant="default" size={30} onClick={copy} aria-label={copied ? 'Link copied' : 'Copy link'}>
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
      <Button component="a" href={openHref(link)} size="xs" variant="light" leftSection={<IconExternalLink size={14} />} style={{ flexShrink: 0 }}>
        Open link
      </Button>
    </Group>
  );
}

/** The link is not stored here: it went by email, or there was no keychain to encrypt it with. */
function LinkNotKept({ email }: { email: Email }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  // A link that neither SMTP nor the outbox could carry is shown once, here, and never stored.
  const [freshLink, setFreshLink] = useState<string | null>(null);
  const resend = useMutation(
    trpc.invitations.resend.mutationOptions({
      onSuccess: async ({ expiresAt, link }) => {
        if (link) setFreshLink(link);
        else notifications.show({ color: 'teal', title: 'Invitation sent again', message: `${email.to} has a new link, valid until ${formatDate(expiresAt)}.` });
        await refresh.invitations();
      },
      onError: (error) => notifications.show({ color: 'red', title: 'The invitation was not resent', message: errorMessage(error) }),
    }),
  );
  if (freshLink) {
    return (
      <>
        <Text size="xs" c="dimmed" mt="sm">
          A new link, shown only now (it is not stored): copy it and pass it on.
        </Text>
        <LinkField link={freshLink} to={email.to} />
      </>
    );
  }
  const delivered = email.linkState === 'emailed' && email.status !== 'failed';
  return (
    <Group gap="xs" mt="sm" justify="space-between" wrap="nowrap">
      <Text size="xs" c="dimmed">
        {delivered
          ? 'The invitation link went by email; it is not kept here.'
          : 'The invitation link is not kept here (links are stored only encrypted, with a key from this computer’s keychain).'}
      </Text>
      {!delivered && email.invitationId && (
        <Button size="xs" variant="light" leftSection={<IconMailForward size={14} />} loading={resend.isPending} onClick={() => resend.mutate({ invitationId: email.invitationId! })} style={{ flexShrink: 0 }}>
          Resend to get a new link
        </Button>
      )}
    </Group>
  );
}
