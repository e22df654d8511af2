// The organization's name, logo, usage alert thresholds and contact sharing. Admins edit them;
// everyone else sees them.
import { Button, Card, Group, Radio, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { fieldErrorsOf, hasFieldErrors } from '../../lib/errors';
import { useAccess, type RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { organizationNameField } from '../../lib/validation';
import { useTRPC } from '../../trpc';
import { AlertThresholdsInput } from './AlertThresholdsInput';
import { LogoPicker } from './LogoPicker';

type Settings = RouterOutputs['organization']['settings'];
type Sharing = Settings['contactSharing'];
const FIELDS = ['name', 'logoDataUrl', 'alertThresholds', 'contactSharing'] as const;

export function OrganizationSettingsCard() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.organization.settings.queryOptions());
  return (
    <Card>
      <Title order={2} fz="md">
        Organization
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        How your organization appears, when usage alerts go out, and who sees whose contacts.
      </Text>
      {settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => settings.refetch()} title="Settings could not be loaded" />
      ) : !settings.data ? (
        <Stack gap="md" aria-busy="true" aria-label="Loading organization settings">
          <Skeleton h={56} />
          <Skeleton h={72} />
          <Skeleton h={56} />
        </Stack>
      ) : (
        <OrganizationSettingsForm settings={settings.data} />
      )}
    </Card>
  );
}

function OrganizationSettingsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const { can } = useAccess();
  const canEdit = can('organization:update');
  const [name, setName] = useState(settings.name);
  const [logo, setLogo] = useState<string | null>(settings.logoDataUrl);
  const [thresholds, setThresholds] = useState<number[]>(settings.alertThresholds);
  const [sharing, setSharing] = useState<Sharing>(settings.contactSharing);
  const [nameError, setNameError] = useState<string | null>(null);

  // After a save (or someone else's), start again from what the server has.
  useEffect(() => {
    setName(settings.name);
    setLogo(settings.logoDataUrl);
    setThresholds(settings.alertThresholds);
    setSharing(settings.contactSharing);
  }, [settings]);

  const save = useMutation(
    trpc.organization.updateSettings.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', message: 'Organization settings saved.' });
        await refresh.organization();
      },
    }),
  );

  const changes = {
    ...(name.trim() !== settings.name ? { name: name.trim() } : {}),
    ...(logo !== settings.logoDataUrl ? { logoDataUrl: logo } : {}),
    ...(thresholds.join() !== settings.alertThresholds.join() ? { alertThresholds: thresholds } : {}),
    ...(sharing !== settings.contactSharing ? { contactSharing: sharing } : {}),
  };
  const dirty = Object.keys(changes).length > 0;
  const serverErrors = fieldErrorsOf(save.error);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const checked = organizationNameField.safeParse(name);
        if (!checked.success) return setNameError(checked.error.issues[0]?.message ?? 'Check the name.');
        if (thresholds.length === 0) return;
        save.reset();
        save.mutate(changes);
      }}
      noValidate
    >
      <Stack gap="lg">
        {!hasFieldErrors(save.error, FIELDS) && <FormErrorAlert error={save.error} />}
        <TextInput
          label="Organization name"
          value={name}
          onChange={(e) => (setName(e.currentTarget.value), setNameError(null))}
          disabled={!canEdit}
          error={nameError ?? serverErrors.name}
          maw={480}
        />
        <LogoPicker value={logo} onChange={setLogo} name={name || settings.name} disabled={!canEdit} error={serverErrors.logoDataUrl} />
        <AlertThresholdsInput
          value={thresholds}
          onChange={setThresholds}
          disabled={!canEdit}
          error={serverErrors.alertThresholds ?? (thresholds.length === 0 ? 'Keep at least one alert threshold.' : undefined)}
        />
        <Radio.Group
          label="Contacts"
          description="Whether members work from one contact list or each from their own."
          value={sharing}
          onChange={(v) => setSharing(v === 'personal' ? 'personal' : 'shared')}
          error={serverErrors.contactSharing}
          size="md"
        >
          <Stack gap="sm" mt="sm">
            <Radio
              value="shared"
              disabled={!canEdit}
              label="Shared company-wide"
              description="Everyone in the organization sees and uses the same contacts."
            />
            <Radio
              value="personal"
              disabled={!canEdit}
              label="Personal"
              description="Members see the contacts they own; managers see their teams’ and admins see everyone’s."
            />
          </Stack>
        </Radio.Group>
        {canEdit ? (
          <Group gap="sm">
            <Button type="submit" disabled={!dirty || thresholds.length === 0} loading={save.isPending}>
              Save changes
            </Button>
            {dirty && (
              <Button
                variant="subtle"
                color="gray"
                onClick={() => {
                  setName(settings.name);
                  setLogo(settings.logoDataUrl);
                  setThresholds(settings.alertThresholds);
                  setSharing(settings.contactSharing);
                  setNameError(null);
                  save.reset();
                }}
              >
                Discard changes
              </Button>
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Only admins and owners can change these settings.
          </Text>
        )}
      </Stack>
    </form>
  );
}
