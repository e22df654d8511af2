// While an organization's deletion is pending, every member sees it is read-only and when it will be
// erased; owners can cancel here.
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconTrashX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormErrorAlert } from '../components/FormErrorAlert';
import { formatDate } from '../lib/format';
import { useAccess } from '../lib/me';
import { useTRPC } from '../trpc';

export function DeletionBanner() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me, can } = useAccess();
  const status = useQuery({ ...trpc.organization.deletionStatus.queryOptions(), enabled: !!me.activeOrganization && can('organization:read') });
  const cancel = useMutation(trpc.organization.cancelDeletion.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  if (!status.data?.erasesAt) return null;
  return (
    <Alert color="red" variant="light" icon={<IconTrashX size={18} />} mb="lg" role="status" title="This organization is being deleted">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm">
          It is read-only and cannot send. All its data will be erased on {formatDate(status.data.erasesAt)}.
        </Text>
        {can('organization:delete') && (
          <Button size="xs" color="red" variant="white" loading={cancel.isPending} onClick={() => cancel.mutate()}>
            Cancel deletion
          </Button>
        )}
      </Group>
      <FormErrorAlert error={cancel.error} />
    </Alert>
  );
}
