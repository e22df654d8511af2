import type { QueryClient } from '@tanstack/react-query';
import { sessionReset } from '../../lib/session';
import { navigate } from '../../lib/useHashRoute';

/** The session now acts as someone else (impersonation started or ended): nothing of the previous view may survive. */
export function actAsSomeoneElse(queryClient: QueryClient, route: string) {
  queryClient.clear();
  navigate(route, { replace: true });
  sessionReset();
}
