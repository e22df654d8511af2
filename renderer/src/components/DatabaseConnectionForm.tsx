// Saves (or clears) the shared PostgreSQL this installation uses from its next start. The server tests
// the URL before saving and keeps it in the OS keychain; it never sends the password back.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { IconCircleCheck, IconLockOff } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { applyFieldErrors, hasFieldErrors } from '../lib/errors';
import { databaseUrlField } from '../lib/validation';
import { useTRPC } from '../trpc';
import { FormErrorAlert } from './FormErrorAlert';

const schema = z.object({ url: databaseUrlField });

export function DatabaseConnectionForm({ canClear = false }: { canClear?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<z.input<typeof schema>, unknown, z.output<typeof schema>>({ resolver: zodResolver(schema), defaultValues: { url: '' } });
  const save = useMutation(
    trpc.settings.saveDatabaseConnection.mutationOptions({
      onSuccess: () => {
        form.reset({ url: '' });
        return queryClient.invalidateQueries({ queryKey: trpc.settings.database.queryKey() });
      },
    }),
  );
  // The URL holds a password, so it is only ever kept in the OS keychain; without one, saving cannot work.
  const database = useQuery(trpc.settings.database.queryOptions());
  const noKeychain = database.data?.keychainAvailable === false;
  const { setError } = form;
  useEffect(() => {
    if (save.error) applyFieldErrors(save.error, setError, ['url']);
  }, [save.error, setError]);

  return (
    <form
      onSubmit={(e) => {
        save.reset();
        return form.handleSubmit((values) => save.mutate({ url: values.url }))(e);
      }}
      noValidate
    >
      <Stack gap="sm">
        {save.isSuccess && (
          <Alert role="status" color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Saved">
            {save.variables?.url ? 'Meterdesk will use this database' : 'Meterdesk will use its embedded database'} from its next start.
            Restart Meterdesk to switch.
          </Alert>
        )}
        {noKeychain && (
          <Alert color="orange" variant="light" icon={<IconLockOff size={18} />}>
            This computer has no OS keychain available, so a connection cannot be saved here. Set <code>DATABASE_URL</code> in
            Meterdesk's environment instead.
          </Alert>
        )}
        {!hasFieldErrors(save.error, ['url']) && <FormErrorAlert error={save.error} />}
        <TextInput
          label="PostgreSQL URL"
          placeholder="postgresql://user:password@db.example.com:5432/meterdesk"
          description="Meterdesk connects once to check it, then keeps it in the OS keychain. A restart is required."
          autoComplete="off"
          spellCheck={false}
          size="sm"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          disabled={noKeychain}
          error={form.formState.errors.url?.message}
          {...form.register('url')}
        />
        <Group gap="sm">
          <Button type="submit" variant="light" disabled={noKeychain} loading={save.isPending && !!save.variables?.url}>
            Test and save
          </Button>
          {canClear && (
            <Button variant="subtle" color="gray" disabled={noKeychain} loading={save.isPending && save.variables?.url === null} onClick={() => save.mutate({ url: null })}>
              Use the embedded database
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
