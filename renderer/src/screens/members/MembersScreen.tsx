// #/members: everyone in the organization (or, for a manager, in their teams). Admins also find
// pending invitations and the outbox here, and the two ways to invite people.
import { Badge, Button, Stack, Tabs } from '@mantine/core';
import { IconFileImport, IconInbox, IconMailPlus, IconSend, IconUsers } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { ImportCsvModal } from './ImportCsvModal';
import { InvitationsPanel } from './InvitationsPanel';
import { InviteMemberModal } from './InviteMemberModal';
import { MembersPanel } from './MembersPanel';
import { OutboxPanel } from './OutboxPanel';

type Tab = 'members' | 'invitations' | 'outbox';

export function MembersScreen() {
  const { can } = useAccess();
  const canInvite = can('invitations:manage');
  const [tab, setTab] = useState<Tab>('members');
  const [inviteOpen, setInviteOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Members"
        description={can('members:read') ? 'Everyone in your organization, their roles, teams and limits.' : 'The people in the teams you manage.'}
        actions={
          canInvite && (
            <>
              <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => setImportOpen(true)}>
                Import CSV
              </Button>
              <Button leftSection={<IconMailPlus size={16} />} onClick={() => setInviteOpen(true)}>
                Invite member
              </Button>
            </>
          )
        }
      />
      {canInvite ? (
        <Tabs value={tab} onChange={(v) => setTab((v as Tab | null) ?? 'members')}>
          <Tabs.List mb="md">
            <Tabs.Tab value="members" leftSection={<IconUsers size={16} />}>
              Members
            </Tabs.Tab>
            <Tabs.Tab value="invitations" leftSection={<IconSend size={16} />} rightSection={<PendingCount />}>
              Invitations
            </Tabs.Tab>
            <Tabs.Tab value="outbox" leftSection={<IconInbox size={16} />}>
              Outbox
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="members">
            <MembersPanel />
          </Tabs.Panel>
          <Tabs.Panel value="invitations">
            <InvitationsPanel onInvite={() => setInviteOpen(true)} />
          </Tabs.Panel>
          <Tabs.Panel value="outbox">
            <OutboxPanel />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <MembersPanel />
      )}
      {canInvite && (
        <>
          <InviteMemberModal opened={inviteOpen} onClose={() => setInviteOpen(false)} />
          <ImportCsvModal opened={importOpen} onClose={() => setImportOpen(false)} onInvited={() => setTab('invitations')} />
        </>
      )}
    </Stack>
  );
}

function PendingCount() {
  const trpc = useTRPC();
  const invitations = useQuery(trpc.invitations.list.queryOptions());
  const count = invitations.data?.length ?? 0;
  if (!count) return null;
  return (
    <Badge size="xs" variant="light" circle={count < 10} aria-label={`${count} pending`}>
      {count}
    </Badge>
  );
}
