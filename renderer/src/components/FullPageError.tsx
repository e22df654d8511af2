import { AuthLayout } from './AuthLayout';
import { ErrorState } from './ErrorState';

/** When the app cannot even tell whether anyone is signed in (server unreachable, database down). */
export function FullPageError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <AuthLayout title="Meterdesk cannot start" subtitle="The console could not reach its server.">
      <ErrorState error={error} onRetry={onRetry} title="Something is in the way" />
    </AuthLayout>
  );
}
