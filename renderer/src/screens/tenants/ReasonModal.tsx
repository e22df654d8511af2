// A support action that needs a reason (kept in the audit trail): the reason, then the action.
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';

export function ReasonModal({ title, description, confirm, opened, onClose, run, onDone }: {
  title: string;
  description: React.ReactNode;
  confirm: string;
  opened: boolean;
  onClose: () => void;
  run: (reason: string) => Promise<unknown>;
  onDone: (result: unknown) => void;
}) {
  const [reason, setReason] = useState('');
  const action = useMutation({ mutationFn: () => run(reason), onSuccess: (r) => { setReason(''); onDone(r); } });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{title}</Text>}>
      <Stack gap="sm">
        <Text size="sm">{description}</Text>
        <Textarea label="Reason" description="Kept in the audit trail." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-autofocus />
        {action.isError && <FormErrorAlert error={action.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button loading={action.isPending} onClick={() => action.mutate()}>{confirm}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
