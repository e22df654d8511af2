import { Button, Code, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { AuthLayout } from './AuthLayout';

/** Last line of defence: a rendering bug shows a way out instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Meterdesk crashed while rendering', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <AuthLayout title="Something went wrong" subtitle="Meterdesk hit an unexpected problem while drawing this screen.">
        <Stack>
          <Code block>{this.state.error.message}</Code>
          <Text size="sm" c="dimmed">
            Reloading usually helps. Your data is safe: it lives on the server, not in this window.
          </Text>
          <Button onClick={() => window.location.reload()}>Reload Meterdesk</Button>
        </Stack>
      </AuthLayout>
    );
  }
}
