// The organization's invoices from the billing mirror: number, date, amount, status, and Stripe's
// hosted page and PDF, opened outside the console.
import { Anchor, Badge, Card, EmptyState, Group, Table, Text, Title } from '@mantine/core';
import { IconFileInvoice } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { ErrorState } from '../../components/ErrorState';
import { formatDate } from '../../lib/format';
import { useTRPC } from '../../trpc';
import { formatMoney, INVOICE_STATUS, openExternal } from './billingDisplay';

function ExternalLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Anchor
      size="sm"
      href={href}
      onClick={(e) => {
        e.preventDefault();
        openExternal(href);
      }}
    >
      {children}
    </Anchor>
  );
}

export function InvoicesCard() {
  const trpc = useTRPC();
  const invoices = useQuery(trpc.billing.invoices.queryOptions());
  return (
    <Card p={0} data-testid="invoices">
      <Group px="lg" py="md" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <div>
          <Title order={2} fz="md">
            Invoices
          </Title>
          <Text size="sm" c="dimmed">
            Every invoice Stripe issued to this organization.
          </Text>
        </div>
      </Group>
      {invoices.isError ? (
        <ErrorState error={invoices.error} onRetry={() => invoices.refetch()} title="Invoices could not be loaded" />
      ) : invoices.data?.length === 0 ? (
        <EmptyState py={40} variant="light" icon={<IconFileInvoice size={26} />} title="No invoices yet" description="Invoices appear here once a paid plan starts." />
      ) : (
        <Table.ScrollContainer minWidth={620}>
          <Table verticalSpacing="sm" horizontalSpacing="lg" highlightOnHover aria-label="Invoices" className="md-table-sticky-actions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Date</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Links</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(invoices.data ?? []).map((i) => {
                const status = INVOICE_STATUS[i.status] ?? { label: i.status, color: 'gray' };
                return (
                  <Table.Tr key={i.id} data-testid="invoice-row">
                    <Table.Td>
                      <Text size="sm" fw={600} ff="monospace">
                        {i.number ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDate(i.createdAt)}</Table.Td>
                    <Table.Td ta="right" className="md-stat-value">
                      {formatMoney(i.totalMinor, i.currency)}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={status.color} variant="light">
                        {status.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Group gap="md" justify="flex-end">
                        {i.hostedUrl && <ExternalLink href={i.hostedUrl}>View</ExternalLink>}
                        {i.pdfUrl && <ExternalLink href={i.pdfUrl}>PDF</ExternalLink>}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
