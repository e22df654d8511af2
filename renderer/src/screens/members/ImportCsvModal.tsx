// Bulk invitations from a CSV (header `email,role,team`): the server checks every row first, the
// table shows each row's problems, and only the valid rows are invited — in chunks, with a progress
// bar and a way to stop between chunks.
import { Alert, Badge, Button, Code, FileButton, Group, List, Modal, Progress, ScrollArea, Stack, Switch, Table, Text, Textarea, ThemeIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCheck, IconFileUpload, IconUsersPlus, IconX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { MAX_CSV_BYTES, csvTooLargeMessage } from '../../../../server/invitations/csv-limits';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { plural } from '../../lib/format';
import { orgRoleLabel, type RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC, useTRPCClient } from '../../trpc';

type Preview = RouterOutputs['invitations']['previewCsv'];
type Row = Preview['rows'][number];
interface Sending {
  sent: number;
  total: number;
  cancelling: boolean;
}

/** UTF-8 size, as the server counts it; a Blob measures without copying into a byte array. */
function byteSize(text: string): number {
  return new Blob([text]).size;
}
/** Invitations per createMany call: small enough to show progress and stop between chunks. */
export const INVITE_CHUNK = 50;
const EXAMPLE = 'email,role,team\nana.silva@example.com,member,Sales\nraj.mehta@example.com,manager,Support';

export function ImportCsvModal({ opened, onClose, onInvited }: { opened: boolean; onClose: () => void; onInvited?: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);

  const client = useTRPCClient();
  const check = useMutation(trpc.invitations.previewCsv.mutationOptions({ onSuccess: setPreview }));
  const [sending, setSending] = useState<Sending | null>(null);
  const [sendError, setSendError] = useState<{ error: unknown; sent: number } | null>(null);
  const cancelRequested = useRef(false);

  // Each chunk is one createMany call (all or nothing on the server); cancelling lets the chunk in
  // flight finish, so the count reported is exactly what was sent.
  const sendAll = async (rows: Row[]) => {
    cancelRequested.current = false;
    setSendError(null);
    setSending({ sent: 0, total: rows.length, cancelling: false });
    let sent = 0;
    let delivery: string | null = null;
    try {
      for (let i = 0; i < rows.length && !cancelRequested.current; i += INVITE_CHUNK) {
        const chunk = rows.slice(i, i + INVITE_CHUNK);
        const result = await client.invitations.createMany.mutate({ invitations: chunk.map((r) => ({ email: r.email, role: r.role, teamId: r.teamId })) });
        sent += result.invited;
        delivery = result.delivery;
        setSending((s) => s && { ...s, sent });
      }
    } catch (error) {
      // Keep the rows not yet sent, so "Invite" after fixing the cause sends only those.
      const done = new Set(rows.slice(0, sent).map((r) => r.email));
      setPreview((p) => (p && p.fileError === null ? { ...p, rows: p.rows.filter((r) => !done.has(r.email)) } : p));
      setSendError({ error, sent });
      setSending(null);
      if (sent > 0) await refresh.invitations();
      return;
    }
    const cancelled = sent < rows.length;
    const who = plural(sent, 'person', 'people');
    notifications.show(
      cancelled
        ? { color: 'orange', title: 'Sending stopped', message: `Invited ${sent} of ${rows.length}; the other ${rows.length - sent} were not invited.` }
        : delivery === 'smtp'
          ? { color: 'teal', title: 'Invitations sent', message: `${who} will get an email with a link to join.` }
          : { color: 'blue', title: 'Invitations ready', message: `No email server is set up: copy each link from the Outbox and send it yourself (${who}).` },
    );
    setSending(null);
    close();
    onInvited?.();
    await refresh.invitations();
  };

  const close = () => {
    if (sending) {
      // Closing while sending stops after the chunk in flight rather than abandoning it silently.
      cancelRequested.current = true;
      setSending({ ...sending, cancelling: true });
      return;
    }
    setCsv('');
    setFileName(null);
    setFileProblem(null);
    setPreview(null);
    setOnlyProblems(false);
    check.reset();
    setSendError(null);
    onClose();
  };

  // Refused here, before upload: a file near the HTTP body limit would otherwise freeze the text
  // area and fail as an unreadable transport error.
  const acceptText = (text: string, name: string | null) => {
    const bytes = byteSize(text);
    if (bytes > MAX_CSV_BYTES) {
      setFileProblem(name ? `${name}: ${csvTooLargeMessage(bytes)}` : csvTooLargeMessage(bytes));
      return false;
    }
    setFileProblem(null);
    return true;
  };

  const pickFile = async (file: File | null) => {
    if (!file) return;
    setPreview(null);
    check.reset();
    if (file.size > MAX_CSV_BYTES) {
      setFileProblem(`${file.name}: ${csvTooLargeMessage(file.size)}`);
      return;
    }
    const text = await file.text();
    if (!acceptText(text, file.name)) return;
    setFileName(file.name);
    setCsv(text);
  };

  const valid = preview?.rows.filter((r) => r.errors.length === 0) ?? [];
  const invalid = (preview?.rows.length ?? 0) - valid.length;
  const shown = (preview?.rows ?? []).filter((r) => !onlyProblems || r.errors.length > 0);

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Import CSV</Text>} size={preview && !preview.fileError ? 'xl' : 'lg'} centered>
      {!preview ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (csv.trim() && acceptText(csv, fileName)) check.mutate({ csv });
          }}
        >
          <Stack gap="md">
            <Text size="sm">
              One person per line. The first line is the header <Code>email,role,team</Code>; role (owner, admin, manager, member or guest) and team
              (by name) are optional. Nothing is sent until you have checked the rows.
            </Text>
            <Code block fz="xs">
              {EXAMPLE}
            </Code>
            <Group gap="sm">
              <FileButton onChange={pickFile} accept=".csv,text/csv,text/plain">
                {(props) => (
                  <Button {...props} variant="default" leftSection={<IconFileUpload size={16} />}>
                    Choose a CSV file
                  </Button>
                )}
              </FileButton>
              {fileName && (
                <Badge variant="light" color="gray" size="lg" radius="sm" fw={500} rightSection={<IconX size={12} style={{ cursor: 'pointer' }} onClick={() => (setFileName(null), setCsv(''))} aria-label="Forget this file" />}>
                  {fileName}
                </Badge>
              )}
            </Group>
            {fileProblem && (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
                {fileProblem}
              </Alert>
            )}
            <Textarea
              label="Or paste the CSV"
              placeholder={EXAMPLE}
              autosize
              minRows={5}
              maxRows={12}
              value={csv}
              onPaste={(e) => {
                const field = e.currentTarget;
                const pasted = e.clipboardData.getData('text');
                const next = field.value.slice(0, field.selectionStart) + pasted + field.value.slice(field.selectionEnd);
                if (!acceptText(next, null)) e.preventDefault();
              }}
              onChange={(e) => {
                const next = e.currentTarget.value;
                if (!acceptText(next, null)) return;
                setCsv(next);
                setFileName(null);
              }}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-sm)' } }}
              spellCheck={false}
            />
            <FormErrorAlert error={check.error} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={!csv.trim()} loading={check.isPending}>
                Check rows
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap="md">
          {preview.fileError ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="This file cannot be imported" role="alert">
              {preview.fileError}
            </Alert>
          ) : (
            <>
              <Group justify="space-between" gap="sm">
                <Group gap="xs">
                  <Badge color="teal" variant="light" size="lg" radius="sm" leftSection={<IconCheck size={14} />}>
                    {valid.length} ready
                  </Badge>
                  {invalid > 0 && (
                    <Badge color="red" variant="light" size="lg" radius="sm" leftSection={<IconAlertCircle size={14} />}>
                      {invalid} with problems
                    </Badge>
                  )}
                </Group>
                {invalid > 0 && <Switch label="Only rows with problems" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.currentTarget.checked)} />}
              </Group>
              {invalid > 0 && (
                <Text size="sm" c="dimmed">
                  Rows with problems are skipped. Fix them in the file and import it again to invite those people too.
                </Text>
              )}
              <ScrollArea.Autosize mah={380} type="auto" offsetScrollbars>
                <Table stickyHeader verticalSpacing="xs" layout="fixed" miw={640} aria-label="Rows in the file">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={56}>Line</Table.Th>
                      <Table.Th w="34%">Email</Table.Th>
                      <Table.Th w={96}>Role</Table.Th>
                      <Table.Th w={112}>Team</Table.Th>
                      <Table.Th>Check</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.map((row) => (
                      <Table.Tr key={row.line} bg={row.errors.length ? 'var(--mantine-color-red-light)' : undefined}>
                        <Table.Td className="md-stat-value" c="dimmed">
                          {row.line}
                        </Table.Td>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>{row.email || <Text span c="dimmed">(empty)</Text>}</Table.Td>
                        <Table.Td>{orgRoleLabel(row.role)}</Table.Td>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>{row.teamName ?? <Text span c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>
                          {row.errors.length === 0 ? (
                            <Group gap={4} wrap="nowrap" c="teal">
                              <ThemeIcon size={18} radius="xl" color="teal" variant="light">
                                <IconCheck size={12} />
                              </ThemeIcon>
                              <Text size="sm">Ready</Text>
                            </Group>
                          ) : (
                            <List size="sm" c="red" spacing={2} listStyleType="none" p={0}>
                              {row.errors.map((error) => (
                                <List.Item key={error}>{error}</List.Item>
                              ))}
                            </List>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </>
          )}
          {sendError && sendError.sent > 0 && (
            <Text size="sm" fw={600}>
              {plural(sendError.sent, 'person was', 'people were')} invited before sending stopped; the rows left below were not.
            </Text>
          )}
          <FormErrorAlert error={sendError?.error} />
          {sending ? (
            <Stack gap={6} data-testid="invite-progress">
              <Group justify="space-between" gap="sm">
                <Text size="sm" fw={600} aria-live="polite">
                  {sending.cancelling ? 'Stopping after this batch… ' : 'Sending invitations… '}
                  {sending.sent} of {sending.total}
                </Text>
                <Button size="xs" variant="default" color="red" disabled={sending.cancelling} onClick={close}>
                  Cancel sending
                </Button>
              </Group>
              <Progress value={(sending.sent / sending.total) * 100} animated={!sending.cancelling} aria-label={`Invitations sent: ${sending.sent} of ${sending.total}`} />
            </Stack>
          ) : (
            <Group justify="space-between" gap="sm">
              <Button variant="default" onClick={() => (setPreview(null), setSendError(null))}>
                Back
              </Button>
              {!preview.fileError && (
                <Button leftSection={<IconUsersPlus size={16} />} disabled={valid.length === 0} onClick={() => void sendAll(valid)}>
                  Invite {plural(valid.length, 'person', 'people')}
                </Button>
              )}
            </Group>
          )}
        </Stack>
      )}
    </Modal>
  );
}
