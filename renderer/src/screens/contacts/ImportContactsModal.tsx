// CSV import of contacts: choose a file → map its columns (guessed from the header) → check a
// preview of the first rows as the server would import them → import in uploads of up to 2,000 rows
// with a progress bar (stoppable between uploads) → a summary with every refused line, downloadable.
// The file is parsed here (csv-parse's browser build) and only the mapped cells are sent; the server
// checks every row again and merges by phone.
import { Alert, Badge, Button, FileButton, Group, Modal, Progress, ScrollArea, Select, SimpleGrid, Stack, Table, TagsInput, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconDownload, IconFileUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { parse } from 'csv-parse/browser/esm/sync';
import { stringify } from 'csv-stringify/browser/esm/sync';
import { useEffect, useMemo, useRef, useState } from 'react';
import { CONTACT_CSV_PARSE_OPTIONS, toImportRow, type ImportRow } from '../../../../server/contacts/contact-import-rows';
import {
  IMPORT_FIELDS,
  IMPORT_UPLOADS_IN_FLIGHT,
  IMPORT_FIELD_LABELS,
  MAX_IMPORT_CHUNK_BYTES,
  MAX_IMPORT_CHUNK_ROWS,
  MAX_IMPORT_FILE_BYTES,
  MAX_IMPORT_ROWS,
  guessImportMapping,
  type ImportField,
  type ImportMapping,
} from '../../../../server/contacts/contact-rules';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { formatNumber, plural } from '../../lib/format';
import { useTRPC, useTRPCClient } from '../../trpc';
import { COUNTRY_OPTIONS } from './countries';

const PREVIEW_ROWS = 20;

interface ParsedFile {
  name: string;
  header: string[];
  records: { record: string[]; info: { lines: number } }[];
}
interface Totals {
  created: number;
  updated: number;
  duplicates: number;
  keptOptedOut: number;
  errors: { line: number; errors: string[] }[];
  done: number;
  total: number;
}

/** Uploads of at most MAX_IMPORT_CHUNK_ROWS rows and about MAX_IMPORT_CHUNK_BYTES of JSON each. */
function chunkRows(rows: ImportRow[]): ImportRow[][] {
  const chunks: ImportRow[][] = [];
  let current: ImportRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = JSON.stringify(row).length * 2; // UTF-16 upper bound of the UTF-8 size
    if (current.length > 0 && (current.length >= MAX_IMPORT_CHUNK_ROWS || bytes + size > MAX_IMPORT_CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** A spreadsheet would run a cell starting with = + - @ as a formula: the error download quotes them. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function ImportContactsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const assignees = useQuery(trpc.contacts.assignees.queryOptions());
  const [file, setFile] = useState<ParsedFile | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [mapping, setMapping] = useState<ImportMapping>({ name: null, phone: null, email: null, tags: null, consent: null });
  const [country, setCountry] = useState<string | null>(null);
  const [tagsForAll, setTagsForAll] = useState<string[]>([]);
  const [totals, setTotals] = useState<Totals | null>(null);
  const [running, setRunning] = useState(false);
  const [importError, setImportError] = useState<unknown>(null);
  const stop = useRef(false);

  const reset = () => {
    setFile(null);
    setFileProblem(null);
    setTotals(null);
    setImportError(null);
    setTagsForAll([]);
    setCountry(null);
  };
  const close = () => {
    if (running) return;
    reset();
    onClose();
  };

  const readFile = async (picked: File | null) => {
    reset();
    if (!picked) return;
    if (picked.size > MAX_IMPORT_FILE_BYTES) return setFileProblem(`The file is ${(picked.size / 1024 / 1024).toFixed(1)} MB; at most ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB can be imported at once. Split it.`);
    try {
      const records = parse(await picked.text(), CONTACT_CSV_PARSE_OPTIONS) as unknown as ParsedFile['records'];
      if (records.length < 2) return setFileProblem('The file has no rows under its header. The first line must name the columns, e.g. name,phone,email,tags,consent');
      if (records.length - 1 > MAX_IMPORT_ROWS) return setFileProblem(`At most ${formatNumber(MAX_IMPORT_ROWS)} contacts per file; this one has ${formatNumber(records.length - 1)}. Split it.`);
      const header = records[0]!.record.map((h) => h.slice(0, 80));
      setFile({ name: picked.name.slice(0, 200) || 'contacts.csv', header, records: records.slice(1) });
      setMapping(guessImportMapping(header));
    } catch (error) {
      setFileProblem(`The file is not valid CSV: ${(error as Error).message}`);
    }
  };

  const rows = useMemo(() => (file ? file.records.map((r) => toImportRow(r, mapping)) : []), [file, mapping]);
  const previewInput = useMemo(() => ({ rows: rows.slice(0, PREVIEW_ROWS), defaultCountry: country ?? undefined, tagsForAll }), [rows, country, tagsForAll]);
  const preview = useMutation(trpc.contacts.previewImport.mutationOptions());
  const { mutate: runPreview } = preview;
  useEffect(() => {
    if (file && mapping.phone !== null && !totals) runPreview(previewInput);
  }, [file, mapping.phone, previewInput, runPreview, totals]);

  const runImport = async () => {
    if (!file) return;
    stop.current = false;
    setRunning(true);
    setImportError(null);
    const importId = crypto.randomUUID();
    const chunks = chunkRows(rows);
    const sum: Totals = { created: 0, updated: 0, duplicates: 0, keptOptedOut: 0, errors: [], done: 0, total: rows.length };
    setTotals({ ...sum });
    try {
      // Two uploads in flight: the server checks one while it writes the other (concurrent uploads
      // are safe: each locks its rows in phone order). Lines of one number in two different uploads
      // still merge, though not necessarily in file order.
      let next = 0;
      await Promise.all(
        Array.from({ length: IMPORT_UPLOADS_IN_FLIGHT }, async () => {
          while (next < chunks.length && !stop.current) {
            const chunk = chunks[next++]!;
            const result = await client.contacts.importRows
              .mutate({ importId, fileName: file.name, defaultCountry: country ?? undefined, tagsForAll, rows: chunk })
              .catch((error: unknown) => {
                stop.current = true; // the other upload finishes its current rows and stops
                throw error;
              });
            sum.created += result.created;
            sum.updated += result.updated;
            sum.duplicates += result.duplicates;
            sum.keptOptedOut += result.keptOptedOut;
            sum.errors.push(...result.errors);
            sum.done += chunk.length;
            setTotals({ ...sum, errors: [...sum.errors].sort((x, y) => x.line - y.line) });
          }
        }),
      );
    } catch (error) {
      setImportError(error);
    } finally {
      setRunning(false);
      await queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
    }
    notifications.show({
      color: sum.done < sum.total ? 'orange' : 'teal',
      title: sum.done < sum.total ? 'Import stopped' : 'Import finished',
      message: `${plural(sum.created, 'contact')} added, ${formatNumber(sum.updated)} updated, ${formatNumber(sum.errors.length)} lines refused.`,
    });
  };

  const downloadErrors = () => {
    if (!totals || !file) return;
    const byLine = new Map(file.records.map((r) => [r.info.lines, r.record]));
    const csv = stringify([
      ['line', 'problem', ...file.header.map(safeCell)],
      ...totals.errors.map((e) => [String(e.line), e.errors.join(' '), ...(byLine.get(e.line) ?? []).map((c) => safeCell(c.slice(0, 1000)))]),
    ]);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${file.name.replace(/\.csv$/i, '')}-errors.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };

  const columnOptions = (file?.header ?? []).map((h, i) => ({ value: String(i), label: h.trim() ? `${h} (column ${i + 1})` : `Column ${i + 1}` }));
  const previewErrors = preview.data?.rows.filter((r) => r.action === 'error').length ?? 0;

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Import contacts from CSV</Text>} size="xl" closeOnClickOutside={!running} closeOnEscape={!running}>
      <Stack gap="md">
        {!file && (
          <Stack gap="sm">
            <Text size="sm">
              One contact per line, with a header row. Columns are matched by name (name, phone, email, tags, consent) and can be changed before importing. Numbers are merged:
              a number already in your contacts is updated (tags are added, an opt-out is never lifted), and consent changes only where the file says yes or no. Up to{' '}
              {formatNumber(MAX_IMPORT_ROWS)} rows.
            </Text>
            {fileProblem && (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
                {fileProblem}
              </Alert>
            )}
            <Group>
              <FileButton onChange={(f) => void readFile(f)} accept=".csv,text/csv">
                {(props) => (
                  <Button {...props} leftSection={<IconFileUpload size={16} />}>
                    Choose a CSV file
                  </Button>
                )}
              </FileButton>
            </Group>
          </Stack>
        )}

        {file && !totals && (
          <Stack gap="md">
            <Text size="sm">
              <b>{file.name}</b>: {plural(file.records.length, 'row')}. Choose which column holds each field.
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
              {IMPORT_FIELDS.map((field: ImportField) => (
                <Select
                  key={field}
                  label={IMPORT_FIELD_LABELS[field]}
                  aria-label={`Column for ${IMPORT_FIELD_LABELS[field]}`}
                  data={columnOptions}
                  value={mapping[field] === null ? null : String(mapping[field])}
                  onChange={(v) => setMapping((m) => ({ ...m, [field]: v === null ? null : Number(v) }))}
                  placeholder="Not in the file"
                  clearable={field !== 'phone'}
                  required={field === 'phone'}
                />
              ))}
              <Select
                label="Country of national numbers"
                data={COUNTRY_OPTIONS}
                value={country}
                onChange={setCountry}
                placeholder={assignees.data?.defaultCountry ? `${assignees.data.defaultCountry} (organization default)` : 'Only +… numbers'}
                searchable
                clearable
              />
            </SimpleGrid>
            <TagsInput label="Tag every imported contact with" placeholder="e.g. fair-2026" value={tagsForAll} onChange={setTagsForAll} splitChars={[',', ';']} maxTags={5} />
            {mapping.phone === null ? (
              <Alert color="orange" variant="light">
                Choose the column that holds phone numbers: contacts are matched by phone.
              </Alert>
            ) : (
              <>
                <FormErrorAlert error={preview.error} />
                <Text size="sm" fw={600}>
                  Preview of the first {Math.min(PREVIEW_ROWS, rows.length)} rows{previewErrors > 0 ? ` — ${plural(previewErrors, 'line')} would be refused` : ''}
                </Text>
                <ScrollArea h={260} type="auto">
                  <Table striped withTableBorder fz="xs" aria-label="Import preview">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Line</Table.Th>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Phone</Table.Th>
                        <Table.Th>Email</Table.Th>
                        <Table.Th>Tags</Table.Th>
                        <Table.Th>Consent</Table.Th>
                        <Table.Th>Result</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {(preview.data?.rows ?? []).map((r) => (
                        <Table.Tr key={r.line}>
                          <Table.Td>{r.line}</Table.Td>
                          {r.row ? (
                            <>
                              <Table.Td>{r.row.name ?? '—'}</Table.Td>
                              <Table.Td ff="monospace">{r.row.phone}</Table.Td>
                              <Table.Td>{r.row.email ?? '—'}</Table.Td>
                              <Table.Td>{r.row.tags.join(', ') || '—'}</Table.Td>
                              <Table.Td>{r.row.consent === null ? '—' : r.row.consent ? 'yes' : 'no'}</Table.Td>
                            </>
                          ) : (
                            <Table.Td colSpan={5}>
                              <Text size="xs" c="red">
                                {r.errors.join(' ')}
                              </Text>
                            </Table.Td>
                          )}
                          <Table.Td>
                            {r.action === 'error' ? (
                              <Badge color="red" variant="light" tt="none" title={r.errors.join(' ')}>
                                Refused
                              </Badge>
                            ) : (
                              <Group gap={4} wrap="nowrap">
                                <Badge color={r.action === 'create' ? 'teal' : r.action === 'merge' ? 'grape' : 'blue'} variant="light" tt="none">
                                  {r.action === 'create' ? 'New' : r.action === 'merge' ? `Merged into line ${r.mergesInto}` : 'Update'}
                                </Badge>
                                {r.optedOut && (
                                  <Badge color="red" variant="outline" tt="none">
                                    Stays opted out
                                  </Badge>
                                )}
                              </Group>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </ScrollArea>
              </>
            )}
            <Group justify="space-between">
              <Button variant="default" onClick={reset}>
                Choose another file
              </Button>
              <Button onClick={() => void runImport()} disabled={mapping.phone === null || !preview.data}>
                Import {plural(rows.length, 'row')}
              </Button>
            </Group>
          </Stack>
        )}

        {file && totals && (
          <Stack gap="md">
            <Progress value={totals.total ? (totals.done / totals.total) * 100 : 100} size="lg" animated={running} aria-label="Import progress" />
            <Text size="sm" aria-live="polite">
              {running ? 'Importing… ' : ''}
              {formatNumber(totals.done)} of {formatNumber(totals.total)} rows: {formatNumber(totals.created)} added, {formatNumber(totals.updated)} updated
              {totals.duplicates ? `, ${formatNumber(totals.duplicates)} duplicate lines merged` : ''}
              {totals.keptOptedOut ? `, ${formatNumber(totals.keptOptedOut)} kept opted out` : ''}, {formatNumber(totals.errors.length)} refused.
            </Text>
            <FormErrorAlert error={importError} />
            {totals.errors.length > 0 && (
              <Stack gap="xs">
                <Group justify="space-between">
                  <Text size="sm" fw={600}>
                    Refused lines
                  </Text>
                  <Button size="compact-sm" variant="light" leftSection={<IconDownload size={14} />} onClick={downloadErrors}>
                    Download refused lines (CSV)
                  </Button>
                </Group>
                <ScrollArea h={200} type="auto">
                  <Table fz="xs" aria-label="Refused lines">
                    <Table.Tbody>
                      {totals.errors.slice(0, 500).map((e) => (
                        <Table.Tr key={e.line}>
                          <Table.Td w={70}>Line {e.line}</Table.Td>
                          <Table.Td>{e.errors.join(' ')}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </ScrollArea>
              </Stack>
            )}
            <Group justify="flex-end">
              {running ? (
                <Button variant="default" onClick={() => (stop.current = true)}>
                  Stop after this upload
                </Button>
              ) : (
                <Button onClick={close}>Done</Button>
              )}
            </Group>
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
