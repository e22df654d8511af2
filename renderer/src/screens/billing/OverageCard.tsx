// Overage this period per billable metric: units past the allowance, reported to Stripe's meters
// and still pending. Shown only when the plan bills overage or something is in flight.
import { Badge, Card, Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { formatNumber } from '../../lib/format';
import { useTRPC } from '../../trpc';

export function OverageCard() {
  const trpc = useTRPC();
  const overage = useQuery(trpc.billingOverage.overview.queryOptions());
  const o = overage.data;
  if (!o) return null;
  const rows = o.metrics.filter((m) => m.overageUnits > 0 || m.pendingUnits > 0 || m.failedUnits > 0);
  if (o.overagePolicy !== 'bill' && rows.length === 0) return null;
  return (
    <Card p={0} data-testid="overage">
      <Group px="lg" py="md" justify="space-between" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <div>
          <Title order={2} fz="md">
            Overage
          </Title>
          <Text size="sm" c="dimmed">
            Usage past the allowance, billed per unit on your next invoice.
          </Text>
        </div>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" px="lg" py="md">
          Nothing past the allowance this period.
        </Text>
      ) : (
        <Table verticalSpacing="sm" horizontalSpacing="lg" aria-label="Overage by metric">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Metric</Table.Th>
              <Table.Th ta="right">Past allowance</Table.Th>
              <Table.Th ta="right">Reported</Table.Th>
              <Table.Th ta="right">Pending</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((m) => (
              <Table.Tr key={m.metric}>
                <Table.Td>{m.displayName.replace(/^Meterdesk /, '')}</Table.Td>
                <Table.Td ta="right">{formatNumber(m.overageUnits)}</Table.Td>
                <Table.Td ta="right">{formatNumber(m.reportedUnits)}</Table.Td>
                <Table.Td ta="right">
                  {formatNumber(m.pendingUnits + m.unbatchedUnits)}
                  {m.failedUnits > 0 && (
                    <Badge ml="xs" color="red" variant="light" title={m.lastError ?? undefined}>
                      {formatNumber(m.failedUnits)} failed
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
