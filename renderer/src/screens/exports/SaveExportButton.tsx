// A finished export's file: on the desktop, "Save as…" opens the system Save dialog (the main process
// copies the file from the data folder to where the person chose); in browser mode, a download link.
import { Button, Group, Text } from '@mantine/core';
import { IconDeviceFloppy, IconDownload } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../../lib/errors';
import { isDesktop, useTRPC } from '../../trpc';

export function downloadUrl(runId: string) {
  return `/api/exports/${runId}/file`;
}

export function SaveExportButton({ runId, compact = false, testId }: { runId: string; compact?: boolean; testId?: string }) {
  const trpc = useTRPC();
  const save = useMutation(trpc.exports.saveCopy.mutationOptions());
  if (!isDesktop()) {
    return (
      <Button size={compact ? 'compact-xs' : 'xs'} variant={compact ? 'subtle' : 'filled'} component="a" href={downloadUrl(runId)} download leftSection={compact ? undefined : <IconDownload size={14} />} data-testid={testId}>
        Download
      </Button>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size={compact ? 'compact-xs' : 'xs'} variant={compact ? 'subtle' : 'filled'} loading={save.isPending} onClick={() => save.mutate({ runId })} leftSection={compact ? undefined : <IconDeviceFloppy size={14} />} data-testid={testId}>
        Save as…
      </Button>
      {save.data?.saved && (
        <Text size="xs" c="dimmed" data-testid="export-saved-to">
          Saved to {save.data.path}
        </Text>
      )}
      {save.error && (
        <Text size="xs" c="red">
          {errorMessage(save.error)}
        </Text>
      )}
    </Group>
  );
}
