import { Code, List, Text } from '@mantine/core';
import { AuthLayout } from '../components/AuthLayout';

/**
 * Browser mode only: the server refuses API calls from a page opened without the printed link, so
 * that other local programs and web pages cannot drive the console.
 */
export function LaunchTokenRequiredScreen() {
  // An invitation link (#/invite/TOKEN) carries no launch token: its fragment never reaches the
  // server, so only the page can tell that the person came to accept an invitation.
  const invitation = /^#\/invite\/[^/?#]+/.test(window.location.hash);
  if (invitation) return <InvitationWithoutLaunchToken />;
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

function InvitationWithoutLaunchToken() {
  return (
    <AuthLayout
      width={560}
      title="Accept your invitation in Meterdesk"
      subtitle="This invitation link works only in a browser that already has the console open through its launch link."
    >
      <List type="ordered" spacing="sm" size="sm">
        <List.Item>
          Open the console first: use the link <Code>npm run serve</Code> (or <Code>npm start</Code>) printed after <Code>Meterdesk console:</Code>, in this same browser.
        </List.Item>
        <List.Item>Then open this invitation link again (paste it into the same browser's address bar); it takes you straight to accepting it.</List.Item>
        <List.Item>
          If Meterdesk runs on someone else's computer, ask the person who invited you to open the console for you, or to send a link once it is reachable from your machine.
        </List.Item>
      </List>
      <Text size="xs" c="dimmed" mt="lg">
        Nothing has been accepted yet: the invitation stays valid until it expires or is revoked.
      </Text>
    </AuthLayout>
  );
}
