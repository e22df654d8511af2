import { Center, Loader, Stack } from '@mantine/core';
import { BrandMark } from './BrandMark';

/** While the app asks the server who is signed in: brief, so no skeleton of a screen we may not show. */
export function LoadingScreen() {
  return (
    <Center mih="100vh" className="md-auth-bg">
      <Stack align="center" gap="lg" role="status" aria-live="polite">
        <BrandMark size="lg" />
        <Loader size="sm" type="dots" aria-label="Loading Meterdesk" />
      </Stack>
    </Center>
  );
}
