import { Code, List, Text } from '@mantine/core';
import { AuthLayout } from '../components/AuthLayout';

/**
 * Browser mode only: the server refuses API calls from a page opened without the printed link, so
 * that other local programs and web pages cannot drive the console.
 */
export function LaunchTokenRequiredScreen() {
  return (
    <AuthLayout width={560} title="Open Meterdesk with its link" subtitle="This page was opened without the console's launch link, so it cannot talk to Meterdesk.">
      <List type="ordered" spacing="sm" size="sm">
        <List.Item>
          Find the terminal where <Code>npm run serve</Code> is running.
        </List.Item>
        <List.Item>
          Open the link it printed after <Code>Meterdesk console:</Code> — it ends with <Code style={{ whiteSpace: 'nowrap' }}>?token=…</Code>.
        </List.Item>
        <List.Item>If the server was restarted, use the newest link: each start prints a new one.</List.Item>
      </List>
      <Text size="xs" c="dimmed" mt="lg">
        The link's token is traded for a cookie on first use and removed from the address bar, so bookmarks of this page work only until the server restarts.
      </Text>
    </AuthLayout>
  );
}
