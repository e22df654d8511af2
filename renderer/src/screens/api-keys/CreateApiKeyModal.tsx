// Creates a key in two steps: the form (name, scopes, optional expiry), then the whole key, shown
// this once, with a copy button and a request to try it with.
import { zodResolver } from '@hookform/resolvers/zod';
import { ActionIcon, Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, NumberInput, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';
import { API_KEY_SCOPES, SCOPE_INFO, curlExample, scopeColor, usageApiBaseUrl, type CreatedApiKey } from './apiKeys';

// The server's createApiKeyInput (server/api-keys/create-api-key.ts, which also imports the database).
const schema = z.object({
  name: z.string().trim().min(1, 'Give the key a name, e.g. the service that uses it.').max(80, 'Use at most 80 characters.'),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, 'Choose at least one scope.'),
  expiresInDays: z.union([z.literal(''), z.number().int('Enter a whole number of days.').min(1, 'Enter at least 1 day.').max(3650, 'Enter at most 3,650 days (ten years).')]),
});
type Values = z.input<typeof schema>;
const FIELDS = ['name', 'scopes', 'expiresInDays'] as const;

export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const form = useForm<Values, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { name: '', scopes: [], expiresInDays: '' },
  });
  const { errors } = form.formState;
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (key) => {
        setCreated(key);
        await refresh.apiKeys();
      },
    }),
  );
  const { setError } = form;
  useEffect(() => {
    if (create.error) applyFieldErrors(create.error, setError, FIELDS);
  }, [create.error, setError]);

  const close = () => {
    form.reset();
    create.reset();
    setCreated(null);
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      size={created ? 720 : 'lg'}
      centered
      title={
        <Group gap={8}>
          <IconKey size={18} aria-hidden />
          <Text fw={650}>{created ? 'Save your new API key' : 'Create API key'}</Text>
        </Group>
      }
      // The key is on screen only now: leaving takes a deliberate "Done".
      closeOnClickOutside={!created}
      closeOnEscape={!created}
      withCloseButton={!created}
    >
      {created ? (
        <NewKey created={created} onDone={close} />
      ) : (
        <form
          onSubmit={(e) => {
            create.reset();
            return form.handleSubmit((v) => create.mutate({ name: v.name, scopes: v.scopes, expiresInDays: v.expiresInDays === '' ? undefined : v.expiresInDays }))(e);
          }}
          noValidate
        >
          <Stack gap="md">
            {!hasFieldErrors(create.error, FIELDS) && <FormErrorAlert error={create.error} />}
            <TextInput
              label="Key name"
              placeholder="e.g. Billing worker (production)"
              description="Say which service uses it, so you know what breaks if you revoke it."
              autoComplete="off"
              data-autofocus
              error={errors.name?.message}
              {...form.register('name')}
            />
            <Controller
              control={form.control}
              name="scopes"
              render={({ field }) => (
                <Checkbox.Group size="md" label="Scopes" description="What the key may do. Choose only what the service needs." value={field.value} onChange={field.onChange} error={errors.scopes?.message}>
                  <Stack gap="sm" mt="xs">
                    {API_KEY_SCOPES.map((scope) => (
                      <Checkbox
                        key={scope}
                        value={scope}
                        label={scope}
                        description={SCOPE_INFO[scope].description}
                        size="sm"
                        styles={{ label: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-sm)', fontWeight: 600 } }}
                        onBlur={field.onBlur}
                      />
                    ))}
                  </Stack>
                </Checkbox.Group>
              )}
            />
            <Controller
              control={form.control}
              name="expiresInDays"
              render={({ field }) => (
                <NumberInput
                  label="Expires in (days)"
                  description="Optional; leave empty for a key that never expires."
                  placeholder="Never"
                  min={1}
                  max={3650}
                  allowDecimal={false}
                  allowNegative={false}
                  styles={{ wrapper: { maxWidth: 320 } }}
                  value={field.value}
                  onChange={(v) => field.onChange(typeof v === 'number' ? v : '')}
                  onBlur={field.onBlur}
                  error={errors.expiresInDays?.message}
                />
              )}
            />
            <Group justify="flex-end" gap="sm" mt="xs">
              <Button variant="default" onClick={close} disabled={create.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} leftSection={<IconKey size={16} />}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const curl = curlExample(created.key, created.scopes, usageApiBaseUrl());
  // The form that had focus is gone: start from the key's copy button.
  const copyRef = useRef<HTMLButtonElement>(null);
  useEffect(() => copyRef.current?.focus(), []);
  return (
    <Stack gap="md">
      <Alert variant="light" color="orange" icon={<IconAlertTriangle size={20} />} title="Copy this key now: it will not be shown again">
        Meterdesk keeps only a fingerprint of it. Store it in your service’s secrets; if it is lost, revoke it and create another.
      </Alert>
      <div>
        <Group justify="space-between" mb={6} gap="xs">
          <Text size="sm" fw={600}>
            {created.name}
          </Text>
          <Group gap={4}>
            {created.scopes.map((s) => (
              <Badge key={s} size="sm" variant="light" color={scopeColor(s)} ff="monospace">
                {s}
              </Badge>
            ))}
          </Group>
        </Group>
        <Group gap="xs" wrap="nowrap" align="stretch">
          <Code
            block
            data-testid="new-api-key"
            fz="sm"
            py={10}
            style={{ flex: 1, minWidth: 0, wordBreak: 'break-all', whiteSpace: 'pre-wrap', userSelect: 'all' }}
            aria-label="Your new API key"
          >
            {created.key}
          </Code>
          <CopyButton value={created.key} timeout={2000}>
            {({ copied, copy }) => (
              <Button variant={copied ? 'light' : 'filled'} color={copied ? 'teal' : undefined} onClick={copy} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} h="auto" ref={copyRef}>
                {copied ? 'Copied' : 'Copy key'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="xs" c="dimmed" mt={6}>
          {created.expiresAt ? `Works until ${formatDate(created.expiresAt)}.` : 'Does not expire; revoke it when it is no longer needed.'}
        </Text>
      </div>
      {curl ? (
        <div>
          <Group justify="space-between" mb={6}>
            <Text size="sm" fw={600}>
              Try it
            </Text>
            <CopyButton value={curl} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy command'}>
                  <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={copied ? 'Command copied' : 'Copy command'}>
                    {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Code block fz="xs" data-testid="api-key-curl" style={{ whiteSpace: 'pre', overflowX: 'auto' }}>
            {curl}
          </Code>
          <Text size="xs" c="dimmed" mt={6}>
            {created.scopes.includes('usage:write')
              ? 'Records one SMS; sending it again with the same idempotencyKey changes nothing.'
              : 'Reads this period’s usage and limits.'}
          </Text>
        </div>
      ) : (
        <Text size="sm" c="dimmed">
          This key can only send SMS; the usage endpoints refuse it.
        </Text>
      )}
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
