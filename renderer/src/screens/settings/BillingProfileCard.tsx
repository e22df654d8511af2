// Where invoices go and how tax applies: billing email, country, business or individual. Owners
// edit it ('billing:manage'); admins see it.
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Card, Group, Radio, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { useAccess, type RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { emailField } from '../../lib/validation';
import { useTRPC } from '../../trpc';

type Settings = RouterOutputs['organization']['billingProfile'];

const schema = z.object({
  billingEmail: z.union([z.literal(''), emailField]),
  billingCountry: z.union([
    z.literal(''),
    z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'Use the two-letter country code, like US, DE or IN.'),
  ]),
  customerType: z.enum(['business', 'individual']),
});
type Values = z.input<typeof schema>;
const FIELDS = ['billingEmail', 'billingCountry', 'customerType'] as const;

function valuesOf(s: Settings): Values {
  return { billingEmail: s.billingEmail ?? '', billingCountry: s.billingCountry ?? '', customerType: s.customerType };
}

export function BillingProfileCard() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.organization.billingProfile.queryOptions());
  return (
    <Card>
      <Title order={2} fz="md">
        Billing profile
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        Where invoices are sent, and what tax rules apply to them.
      </Text>
      {settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => settings.refetch()} title="The billing profile could not be loaded" />
      ) : !settings.data ? (
        <Stack gap="md" aria-busy="true" aria-label="Loading the billing profile">
          <Skeleton h={56} />
          <Skeleton h={56} />
        </Stack>
      ) : (
        <BillingProfileForm settings={settings.data} />
      )}
    </Card>
  );
}

function BillingProfileForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const { can } = useAccess();
  const canEdit = can('billing:manage');
  const form = useForm<Values, unknown, z.output<typeof schema>>({ resolver: zodResolver(schema), defaultValues: valuesOf(settings) });
  const { reset, setError } = form;
  useEffect(() => reset(valuesOf(settings)), [settings, reset]);

  const save = useMutation(
    trpc.organization.updateBillingProfile.mutationOptions({
      onSuccess: async (saved) => {
        // What the server stored (e.g. the country upper-cased), even when the cached settings look unchanged.
        reset(valuesOf(saved));
        notifications.show({ color: 'teal', message: 'Billing profile saved.' });
        await refresh.organization();
      },
    }),
  );
  useEffect(() => {
    if (save.error) applyFieldErrors(save.error, setError, FIELDS);
  }, [save.error, setError]);
  const { errors, isDirty } = form.formState;

  return (
    <form
      onSubmit={(e) => {
        save.reset();
        return form.handleSubmit((v) =>
          save.mutate({ billingEmail: v.billingEmail || null, billingCountry: v.billingCountry || null, customerType: v.customerType }),
        )(e);
      }}
      noValidate
    >
      <Stack gap="lg">
        {!hasFieldErrors(save.error, FIELDS) && <FormErrorAlert error={save.error} />}
        <Group gap="md" align="flex-start" wrap="wrap">
          <TextInput
            label="Billing email"
            description="Invoices and payment notices go here."
            type="email"
            placeholder="billing@company.com"
            disabled={!canEdit}
            error={errors.billingEmail?.message}
            style={{ flex: '1 1 280px', maxWidth: 420 }}
            {...form.register('billingEmail')}
          />
          <TextInput
            label="Billing country"
            description="Two-letter code, e.g. US."
            placeholder="US"
            maxLength={2}
            disabled={!canEdit}
            error={errors.billingCountry?.message}
            w={180}
            styles={{ input: { textTransform: 'uppercase' } }}
            {...form.register('billingCountry')}
          />
        </Group>
        <Controller
          control={form.control}
          name="customerType"
          render={({ field }) => (
            <Radio.Group label="Billed as" value={field.value} onChange={(v) => field.onChange(v)} error={errors.customerType?.message} size="md">
              <Group gap="xl" mt="sm">
                <Radio value="business" label="A business" disabled={!canEdit} />
                <Radio value="individual" label="An individual" disabled={!canEdit} />
              </Group>
            </Radio.Group>
          )}
        />
        {canEdit ? (
          <Group gap="sm">
            <Button type="submit" disabled={!isDirty} loading={save.isPending}>
              Save billing profile
            </Button>
            {isDirty && (
              <Button variant="subtle" color="gray" onClick={() => (reset(valuesOf(settings)), save.reset())}>
                Discard changes
              </Button>
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Only owners can change the billing profile.
          </Text>
        )}
      </Stack>
    </form>
  );
}
