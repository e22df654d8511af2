// #/contacts: the people the organization texts. Search and filters run on the server; the table is
// virtualized and paged by keyset; selected rows can be tagged, untagged or deleted together; a row
// opens the drawer (fields, consent, history). Who sees and changes what follows the role and the
// organization's sharing setting (server/contacts/contact-scope.ts).
import { Alert, Button, EmptyState, Group, Modal, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconFileExport, IconFileImport, IconInfoCircle, IconSearch, IconTags, IconTrash, IconUserPlus, IconAddressBook } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { CONSENT_SOURCE_LABELS, MANUAL_CONSENT_SOURCES } from '../../../../server/contacts/contact-rules';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatNumber, plural } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC, useTRPCClient } from '../../trpc';
import { ContactDrawer } from './ContactDrawer';
import { ContactFields, type ContactFieldValues } from './ContactFields';
import { ContactsTable } from './ContactsTable';
import { ImportContactsModal } from './ImportContactsModal';
import { useContactsQuery, type ContactFilters, type ContactRow } from './useContactsQuery';

type SmsFilter = 'consent' | 'no_consent' | 'opted_out' | 'not_opted_out';

export function ContactsScreen() {
  const trpc = useTRPC();
  const { can } = useAccess();
  const [searchText, setSearchText] = useState('');
  const [search] = useDebouncedValue(searchText.trim(), 300);
  const [tag, setTag] = useState<string | null>(null);
  const [sms, setSms] = useState<SmsFilter | null>(null);
  const [ownerUserId, setOwner] = useState<string | null>(null);
  const [teamId, setTeam] = useState<string | null>(null);
  const [sort, setSort] = useState<'name' | 'newest'>('name');
  const [openId, setOpenId] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);

  const filters: ContactFilters = useMemo(
    () => ({
      search: search || undefined,
      tag: tag ?? undefined,
      consent: sms === 'consent' ? 'granted' : sms === 'no_consent' ? 'not_granted' : undefined,
      optedOut: sms === 'opted_out' ? true : sms === 'not_opted_out' ? false : undefined,
      ownerUserId: ownerUserId ?? undefined,
      teamId: teamId ?? undefined,
      sort,
    }),
    [search, tag, sms, ownerUserId, teamId, sort],
  );
  const resetKey = JSON.stringify(filters);
  const contacts = useContactsQuery(filters);
  const tags = useQuery(trpc.contacts.tags.queryOptions());
  const assignees = useQuery(trpc.contacts.assignees.queryOptions());
  const rows = useMemo(() => contacts.data?.pages.flatMap((p) => p.rows) ?? [], [contacts.data]);
  const total = contacts.data?.pages.at(-1)?.total ?? 0;
  const { fetchNextPage } = contacts;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const open = useCallback((c: ContactRow) => setOpenId(c.id), []);
  const toggle = useCallback((id: string) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }), []);
  const toggleAll = useCallback((select: boolean) => setSelected(select ? new Set(rows.filter((r) => r.canManage).map((r) => r.id)) : new Set()), [rows]);
  const filtered = Object.entries(filters).some(([k, v]) => k !== 'sort' && v !== undefined);
  const personal = assignees.data?.contactSharing === 'personal';
  const seesAll = can('contacts:read_all') || !personal;

  return (
    <Stack gap="lg">
      <PageHeader
        title="Contacts"
        description="The people you text, their tags and their SMS consent."
        actions={
          <>
            <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => setImporting(true)}>
              Import CSV
            </Button>
            <ExportContactsButton />
            <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
              Add contact
            </Button>
          </>
        }
      />
      {!seesAll && (
        <Alert variant="light" color="brand" icon={<IconInfoCircle size={18} />} py="xs">
          {can('contacts:read_team')
            ? 'Contacts are personal in this organization: you see yours and those of the teams you manage.'
            : 'Contacts are personal in this organization: you see the contacts you own.'}
        </Alert>
      )}
      <Group gap="sm" wrap="wrap">
        <TextInput
          placeholder="Search name, phone or email"
          leftSection={<IconSearch size={16} />}
          value={searchText}
          onChange={(e) => setSearchText(e.currentTarget.value)}
          w={260}
          aria-label="Search contacts"
          maxLength={100}
        />
        <Select
          placeholder="Any tag"
          aria-label="Filter by tag"
          data={(tags.data ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${formatNumber(t.count)})` }))}
          value={tag}
          onChange={setTag}
          searchable
          clearable
          w={190}
        />
        <Select
          placeholder="Any SMS status"
          aria-label="Filter by SMS status"
          data={[
            { value: 'consent', label: 'Consent given' },
            { value: 'no_consent', label: 'No consent' },
            { value: 'opted_out', label: 'Opted out' },
            { value: 'not_opted_out', label: 'Not opted out' },
          ]}
          value={sms}
          onChange={(v) => setSms(v as SmsFilter | null)}
          clearable
          w={170}
        />
        {(assignees.data?.owners.length ?? 0) > 1 && (
          <Select placeholder="Any owner" aria-label="Filter by owner" data={(assignees.data?.owners ?? []).map((o) => ({ value: o.userId, label: o.name }))} value={ownerUserId} onChange={setOwner} searchable clearable w={180} />
        )}
        {(assignees.data?.teams.length ?? 0) > 0 && (
          <Select placeholder="Any team" aria-label="Filter by team" data={(assignees.data?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))} value={teamId} onChange={setTeam} clearable w={160} />
        )}
        <Select aria-label="Sort" data={[{ value: 'name', label: 'By name' }, { value: 'newest', label: 'Newest first' }]} value={sort} onChange={(v) => setSort((v as 'name' | 'newest') ?? 'name')} allowDeselect={false} w={140} />
      </Group>
      {selected.size > 0 && <BulkBar ids={[...selected]} onDone={() => setSelected(new Set())} />}
      {contacts.isError && !contacts.data ? (
        <ErrorState error={contacts.error} onRetry={() => contacts.refetch()} title="Contacts could not be loaded" />
      ) : contacts.isPending ? (
        <Text c="dimmed">Loading contacts…</Text>
      ) : rows.length === 0 ? (
        <EmptyState
          py={56}
          variant="light"
          icon={<IconAddressBook size={26} />}
          title={filtered ? 'No contact matches' : 'No contacts yet'}
          description={filtered ? 'Try another search, or clear the filters.' : 'Add contacts one by one or import a CSV file.'}
          style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
        />
      ) : (
        <Stack gap={6}>
          <Text size="sm" c="dimmed" aria-live="polite">
            {rows.length < total ? `Showing ${formatNumber(rows.length)} of ${formatNumber(total)} contacts` : plural(total, 'contact')}
          </Text>
          <ContactsTable
            rows={rows}
            total={total}
            hasNextPage={!!contacts.hasNextPage}
            isFetchingNextPage={contacts.isFetchingNextPage}
            fetchNextPage={loadMore}
            onOpen={open}
            selected={selected}
            onToggle={toggle}
            onToggleAll={toggleAll}
            resetKey={resetKey}
          />
        </Stack>
      )}
      <ContactDrawer contactId={openId} onClose={() => setOpenId(null)} />
      <AddContactModal opened={adding} onClose={() => setAdding(false)} onCreated={(id) => setOpenId(id)} />
      <ImportContactsModal opened={importing} onClose={() => setImporting(false)} />
    </Stack>
  );
}

function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [tagsToAdd, setAdd] = useState<string[]>([]);
  const [tagsToRemove, setRemove] = useState<string[]>([]);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const invalidate = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() })]);
  const tag = useMutation(
    trpc.contacts.tag.mutationOptions({
      onSuccess: async (r) => {
        await invalidate();
        setAdd([]);
        setRemove([]);
        notifications.show({ color: 'teal', title: 'Tags changed', message: `${plural(r.updated, 'contact')} updated.` });
      },
    }),
  );
  const remove = useMutation(
    trpc.contacts.delete.mutationOptions({
      onSuccess: async (r) => {
        setConfirmDelete(false);
        onDone();
        await invalidate();
        notifications.show({ color: 'teal', title: 'Contacts deleted', message: `${plural(r.deleted, 'contact')} deleted; their consent history and opt-outs are kept.` });
      },
    }),
  );
  return (
    <Stack gap="xs" p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)', background: 'var(--md-surface)' }} aria-label="Bulk actions">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Text size="sm" fw={600} mb={6}>
          {plural(ids.length, 'contact')} selected
        </Text>
        <TagsInput size="xs" label="Add tags" value={tagsToAdd} onChange={setAdd} splitChars={[',', ';']} w={200} />
        <TagsInput size="xs" label="Remove tags" value={tagsToRemove} onChange={setRemove} splitChars={[',', ';']} w={200} />
        <Button size="xs" leftSection={<IconTags size={14} />} disabled={tagsToAdd.length + tagsToRemove.length === 0} loading={tag.isPending} onClick={() => tag.mutate({ ids, add: tagsToAdd, remove: tagsToRemove })}>
          Apply tags
        </Button>
        <Button size="xs" color="red" variant="light" leftSection={<IconTrash size={14} />} onClick={() => setConfirmDelete(true)}>
          Delete
        </Button>
        <Button size="xs" variant="subtle" onClick={onDone}>
          Clear selection
        </Button>
      </Group>
      <FormErrorAlert error={tag.error} />
      <ConfirmModal opened={confirmDelete} onClose={() => setConfirmDelete(false)} onConfirm={() => remove.mutate({ ids })} title={`Delete ${plural(ids.length, 'contact')}?`} confirmLabel="Delete" pending={remove.isPending} error={remove.error}>
        <Text size="sm">Their consent history and any opt-outs of their numbers are kept.</Text>
      </ConfirmModal>
    </Stack>
  );
}

const EMPTY: ContactFieldValues = { name: '', phone: '', country: null, email: '', tags: [], ownerUserId: null, teamId: null };

function AddContactModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ContactFieldValues>(EMPTY);
  const [consentSource, setConsentSource] = useState<string | null>(null);
  const create = useMutation(
    trpc.contacts.create.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
        setValues(EMPTY);
        setConsentSource(null);
        onClose();
        onCreated(r.contact.id);
        notifications.show(
          r.createdOptedOut
            ? { color: 'orange', title: 'Contact added, opted out', message: 'This number had opted out before; it stays opted out until consent is given again.' }
            : { color: 'teal', title: 'Contact added', message: r.contact.name || r.contact.phone || 'Saved.' },
        );
      },
    }),
  );
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Add contact</Text>} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            name: values.name,
            phone: values.phone || undefined,
            country: values.country ?? undefined,
            email: values.email,
            tags: values.tags,
            ownerUserId: values.ownerUserId ?? undefined,
            teamId: values.teamId,
            consent: consentSource ? { source: consentSource as (typeof MANUAL_CONSENT_SOURCES)[number] } : undefined,
          });
        }}
      >
        <Stack gap="sm">
          <FormErrorAlert error={create.error} />
          <ContactFields value={values} onChange={setValues} error={create.error} />
          <Select
            label="SMS consent"
            description="Only record consent the person actually gave."
            placeholder="Not given"
            data={MANUAL_CONSENT_SOURCES.map((s) => ({ value: s, label: `Given — ${CONSENT_SOURCE_LABELS[s]}` }))}
            value={consentSource}
            onChange={setConsentSource}
            clearable
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add contact
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Contacts → Export CSV: every contact the user may see (managers: their teams'), with consent and
 * opt-out fields, fetched page by page (5,000 contacts each) and saved as one file (a browser download).
 */
function ExportContactsButton() {
  const client = useTRPCClient();
  const [progress, setProgress] = useState<number | null>(null);
  const run = async () => {
    setProgress(0);
    try {
      const parts: string[] = [];
      let after: string | undefined;
      let total = 0;
      for (;;) {
        const page = await client.contacts.exportCsv.mutate(after ? { after } : {});
        parts.push(page.csv);
        total += page.rows;
        setProgress(total);
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `contacts-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notifications.show({ color: 'teal', title: 'Contacts exported', message: `${plural(total, 'contact')} with their SMS consent.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Export failed', message: error instanceof Error ? error.message : 'The export could not be completed; try again.' });
    } finally {
      setProgress(null);
    }
  };
  return (
    <Button variant="default" leftSection={<IconFileExport size={16} />} loading={progress !== null} onClick={() => void run()}>
      Export CSV
    </Button>
  );
}
