// Bulk invitations from a CSV (header `email,role,team`): the server checks every row first, the
// table shows each row's problems, and only the valid rows are invited.
import { Alert, Badge, Button, Code, FileButton, Group, List, Modal, ScrollArea, Stack, Switch, Table, Text, Textarea, ThemeIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCheck, IconFileUpload, IconUsersPlus, IconX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { plural } from '../../lib/format';
import { orgRoleLabel, type RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

type Preview = RouterOutputs['invitations']['previewCsv'];
const MAX_BYTES = 512 * 1024;
const EXAMPLE = 'email,role,team\nana.silva@example.com,member,Sales\nraj.mehta@example.com,manager,Support';

export function ImportCsvModal({ opened, onClose, onInvited }: { opened: boolean; onClose: () => void; onInvited?: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);

  const check = useMutation(trpc.invitations.previewCsv.mutationOptions({ onSuccess: setPreview }));
  const send = useMutation(
    trpc.invitations.createMany.mutationOptions({
      onSuccess: async ({ invited, delivery }) => {
        notifications.show(
          delivery === 'smtp'
            ? { color: 'teal', title: 'Invitations sent', message: `${plural(invited, 'person', 'people')} will get an email with a link to join.` }
            : { color: 'blue', title: 'Invitations ready', message: `No email server is set up: copy each link from the Outbox and send it yourself (${plural(invited, 'person', 'people')}).` },
        );
        close();
        onInvited?.();
        await refresh.invitations();
      },
    }),
  );

  const close = () => {
    setCsv('');
    setFileName(null);
    setFileProblem(null);
    setPreview(null);
    setOnlyProblems(false);
    check.reset();
    send.reset();
    onClose();
  };

  const pickFile = async (file: File | null) => {
    if (!file) return;
    setPreview(null);
    check.reset();
    if (file.size > MAX_BYTES) {
      setFileProblem(`${file.name} is larger than 512 KB; split it into smaller files.`);
      return;
    }
    setFileProblem(null);
    setFileName(file.name);
    setCsv(await file.text());
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
            if (csv.trim()) check.mutate({ csv });
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
              onChange={(e) => (setCsv(e.currentTarget.value), setFileName(null))}
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
          <FormErrorAlert error={send.error} />
          <Group justify="space-between" gap="sm">
            <Button variant="default" onClick={() => (setPreview(null), send.reset())} disabled={send.isPending}>
              Back
            </Button>
            {!preview.fileError && (
              <Button
                leftSection={<IconUsersPlus size={16} />}
                disabled={valid.length === 0}
                loading={send.isPending}
                onClick={() => send.mutate({ invitations: valid.map((r) => ({ email: r.email, role: r.role, teamId: r.teamId })) })}
              >
                Invite {plural(valid.length, 'person', 'people')}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
