import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { MantineProvider, localStorageColorSchemeManager } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { createQueryClient } from './queryClient';
import { configureConnectivity } from './lib/connectivity';
import { theme } from './theme';
import { TRPCProvider, createClient } from './trpc';

const queryClient = createQueryClient();
const trpcClient = createClient();
// The offline banner's probe, and a refetch of everything once the database answers again.
configureConnectivity({ probe: () => trpcClient.settings.ping.query(), onReconnected: () => void queryClient.invalidateQueries() });
// No inline ColorSchemeScript: the CSP forbids inline scripts, and localStorage is read synchronously anyway.
const colorSchemeManager = localStorageColorSchemeManager({ key: 'meterdesk-color-scheme' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      {/* Bottom right: never over a drawer's or modal's close button, which sit at the top. */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <ErrorBoundary>
            <App />
          </ErrorBoundary>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
