// After loading demo data: every demo account shares one password. Show them once, clearly, with copy
// buttons, then go to sign-in with the demo organization's owner prefilled.
import { ActionIcon, Alert, Badge, Button, Code, CopyButton, Group, ScrollArea, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconArrowRight, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { AuthLayout } from '../components/AuthLayout';
import { ORG_ROLE_LABELS, PLATFORM_ROLE_LABELS } from '../../../server/permissions/permissions';
import type { DemoData } from './SetupWizardScreen';

export function firstOwnerEmail(demo: DemoData): string {
  return demo.accounts.find((a) => a.organization !== null && a.role === 'owner')?.email ?? demo.accounts[0]?.email ?? '';
}

export function DemoCredentialsScreen({ demo, onContinue }: { demo: DemoData; onContinue: () => void }) {
  return (
    <AuthLayout width={760} title="Demo data is ready" subtitle="Sign in as any of these people to see Meterdesk through their role.">
      <Stack gap="lg">
        <Alert variant="light" color="brand" icon={<IconKey size={18} />} title="One password for every demo account">
          <Group gap="xs" mt={4}>
            <Code fz="md" px="sm" py={4} data-testid="demo-password">
              {demo.password}
            </Code>
            <CopyValue value={demo.password} label="Copy password" />
          </Group>
        </Alert>
        <ScrollArea.Autosize mah={360} type="auto" offsetScrollbars>
          <Table striped highlightOnHover verticalSpacing="xs" stickyHeader aria-label="Demo accounts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Organization</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {demo.accounts.map((account) => (
                <Table.Tr key={account.email}>
                  <Table.Td>{account.name}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Text size="sm" ff="monospace">
                        {account.email}
                      </Text>
                      <CopyValue value={account.email} label={`Copy ${account.name}'s email`} />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant={account.organization ? 'light' : 'outline'} color={account.organization ? 'brand' : 'grape'}>
                      {roleLabel(account.role)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={account.organization ? undefined : 'dimmed'}>
                      {account.organizationName ?? 'Platform staff'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
        <Group justify="flex-end">
          <Button size="md" rightSection={<IconArrowRight size={18} />} onClick={onContinue}>
            Continue to sign in
          </Button>
        </Group>
      </Stack>
    </AuthLayout>
  );
}

function roleLabel(role: string): string {
  return (ORG_ROLE_LABELS as Record<string, string>)[role] ?? (PLATFORM_ROLE_LABELS as Record<string, string>)[role] ?? role;
}

function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label}>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
