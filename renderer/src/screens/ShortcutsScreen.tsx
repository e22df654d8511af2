// The keyboard shortcut list (#/shortcuts; Ctrl+/ or Help → Keyboard shortcuts): the same list the
// desktop's application menu uses (renderer/src/lib/shortcuts.ts).
import { Card, Kbd, Stack, Table, Text, Title } from '@mantine/core';
import { displayKeys, OTHER_SHORTCUTS, SCREEN_SHORTCUTS, SHORTCUT_LIST } from '../lib/shortcuts';

const mac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

export function ShortcutsScreen() {
  const rows = [...SCREEN_SHORTCUTS.map((s) => ({ keys: `CmdOrCtrl+${s.key}`, label: `Go to ${s.label}` })), { keys: `CmdOrCtrl+${SHORTCUT_LIST.key}`, label: 'This list' }, ...OTHER_SHORTCUTS];
  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>Keyboard shortcuts</Title>
        <Text c="dimmed" mt={4}>
          The same shortcuts are in the desktop app’s menus. In a browser tab, the browser may keep some of them for itself.
        </Text>
      </div>
      <Card>
        <Table data-testid="shortcut-list">
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.keys}>
                <Table.Td w={260}>
                  <Kbd>{displayKeys(r.keys, mac)}</Kbd>
                </Table.Td>
                <Table.Td>{r.label}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
