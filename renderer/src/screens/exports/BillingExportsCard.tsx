// Billing exports: the organization's invoices and payments (billing readers), and for platform
// finance the monthly billing export (CSV and JSON). Both are small and built on request.
import { Button, Card, Group, Select, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';

function save(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function BillingExportsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can, canPlatform } = useAccess();
  const months = useMemo(() => {
    const now = new Date();
    return Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  }, []);
  const [month, setMonth] = useState(months[1] ?? months[0]!);
  const [error, setError] = useState<string | null>(null);
  if (!can('billing:read') && !canPlatform('platform:revenue:read')) return null;
  const run = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Card withBorder padding="lg">
      <Title order={3} mb="sm">
        Billing exports
      </Title>
      <Group>
        {can('billing:read') && (
          <Button variant="light" onClick={() => run(async () => {
            const r = await queryClient.fetchQuery(trpc.exports.billingHistory.queryOptions());
            save(r.fileName, r.csv, 'text/csv');
          })}>
            Invoices and payments (CSV)
          </Button>
        )}
        {canPlatform('platform:revenue:read') && (
          <>
            <Select data={months} value={month} onChange={(v) => v && setMonth(v)} w={140} aria-label="Finance month" allowDeselect={false} />
            <Button variant="light" onClick={() => run(async () => {
              const r = await queryClient.fetchQuery(trpc.exports.financeMonth.queryOptions({ month }));
              save(`${r.fileBase}.csv`, r.csv, 'text/csv');
            })}>
              Finance month (CSV)
            </Button>
            <Button variant="light" onClick={() => run(async () => {
              const r = await queryClient.fetchQuery(trpc.exports.financeMonth.queryOptions({ month }));
              save(`${r.fileBase}.json`, r.json, 'application/json');
            })}>
              Finance month (JSON)
            </Button>
          </>
        )}
      </Group>
      {error && (
        <Text c="red" size="sm" mt="xs">
          {error}
        </Text>
      )}
    </Card>
  );
}
