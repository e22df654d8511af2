// One QueryClient for the app. Any UNAUTHORIZED answer while signed in means the session is gone:
// drop every cached row (they belong to the previous session) and return to sign-in with a notice.
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isUnauthorized, shouldRetry } from './lib/errors';
import { noticeError } from './lib/connectivity';
import { sessionEnded } from './lib/session';

/** auth.me's key prefix, as @trpc/tanstack-react-query builds it: [path segments, { type }]. */
const ME_KEY = [['auth', 'me']];

export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    // An unreachable database or server: the offline banner, and reconnection with backoff.
    noticeError(error);
    if (!isUnauthorized(error)) return;
    // Wrong credentials on the sign-in form are UNAUTHORIZED too; only a signed-in user can lose a session.
    const signedIn = queryClient.getQueriesData({ queryKey: ME_KEY }).some(([, data]) => !!data);
    if (!signedIn) return;
    queryClient.clear();
    sessionEnded();
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
