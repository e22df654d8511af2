import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { sessionReset } from './session';
import { navigate } from './useHashRoute';

/**
 * Signing out (here or everywhere) ends on the sign-in screen with nothing of the previous user
 * cached, even when the server call fails (the session may already be gone).
 */
export function useSignOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const finish = () => {
    queryClient.clear();
    navigate('sign-in', { replace: true });
    sessionReset();
  };
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSettled: finish }));
  const signOutEverywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({
      onSuccess: ({ revoked }) =>
        notifications.show({
          title: 'Signed out everywhere',
          message: `${revoked} session${revoked === 1 ? '' : 's'} ended, on this and every other device.`,
        }),
      onSettled: finish,
    }),
  );
  return { signOut, signOutEverywhere };
}
