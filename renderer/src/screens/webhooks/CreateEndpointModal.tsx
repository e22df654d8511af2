// Adds an endpoint: URL, a note, the events it wants. The signing secret comes back once and is
// shown here with the verification recipe; it is never shown again.
import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WEBHOOK_EVENT_KEYS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../../../server/webhooks/webhook-event-types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { fieldErrorsOf } from '../../lib/errors';
import { useTRPC } from '../../trpc';

export function CreateEndpointModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['usage.threshold_reached', 'usage.limit_blocked']);
  const create = useMutation(trpc.webhooks.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() }) }));
  const errors = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    setUrl('');
    setDescription('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>{create.data ? 'Endpoint added' : 'Add a webhook endpoint'}</Text>} size="lg" centered>
      {create.data ? (
        <Stack gap="sm">
          <Alert color="orange" variant="light" title="Copy the signing secret now">
            It is shown only this once. Keep it with the receiving service; Meterdesk keeps it encrypted and never shows it again.
          </Alert>
          <Group gap="xs" wrap="nowrap">
            <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="webhook-secret">
              {create.data.secret}
            </Code>
            <CopyButton value={create.data.secret}>
              {({ copied, copy }) => (
                <Button variant="default" leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm">
            Each delivery carries <Code>Meterdesk-Signature: t=…,v1=…</Code>: compute HMAC-SHA256 with this secret over <Code>{'<t>.<raw body>'}</Code>, compare it with <Code>v1</Code> in constant time, and refuse a <Code>t</Code> older than 5 minutes.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ url, description, events });
          }}
        >
          <Stack gap="sm">
            <TextInput label="URL" placeholder="https://example.com/meterdesk/webhooks" value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={errors.url} required data-autofocus />
            <TextInput label="Description" placeholder="What receives these events" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} />
            <Checkbox.Group label="Events" value={events} onChange={(v) => setEvents(v as WebhookEventType[])} error={errors.events}>
              <Stack gap={6} mt={6}>
                {WEBHOOK_EVENT_KEYS.map((key) => (
                  <Checkbox key={key} value={key} label={<Code fz="xs">{key}</Code>} description={WEBHOOK_EVENT_TYPES[key]} />
                ))}
              </Stack>
            </Checkbox.Group>
            <FormErrorAlert error={Object.keys(errors).length ? null : create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={events.length === 0}>
                Add endpoint
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
