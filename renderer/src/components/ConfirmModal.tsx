import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { FormErrorAlert } from './FormErrorAlert';

/**
 * Asks before doing something with consequences. The confirm button says what will happen; the
 * server's refusal, if any, is shown in place so the user can read it and cancel.
 */
export function ConfirmModal({
  opened,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel,
  color = 'red',
  pending = false,
  error,
}: {
  opened: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  color?: string;
  pending?: boolean;
  error?: unknown;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{title}</Text>} centered>
      <Stack gap="md">
        <FormErrorAlert error={error} />
        <div>{children}</div>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={pending} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
