// The tenants list (platform staff): search and filters, virtualized like the other long tables
// (@tanstack/react-virtual), pages loaded as the list scrolls.
import { Badge, Group, Loader, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { formatDate, formatNumber } from '../../lib/format';
import { useTRPC } from '../../trpc';

export interface TenantFilters {
  search: string;
  plan: string | null;
  status: string | null;
  trial: string | null;
  suspended: string | null;
  usage: string | null;
  activity: string | null;
}
export const NO_FILTERS: TenantFilters = { search: '', plan: null, status: null, trial: null, suspended: null, usage: null, activity: null };

const ROW_HEIGHT = 58;

export function TenantFilterBar({ value, onChange }: { value: TenantFilters; onChange: (v: TenantFilters) => void }) {
  const set = (patch: Partial<TenantFilters>) => onChange({ ...value, ...patch });
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="xs">
      <TextInput leftSection={<IconSearch size={16} />} placeholder="Search by name or slug" aria-label="Search tenants" value={value.search} onChange={(e) => set({ search: e.currentTarget.value })} />
      <Select aria-label="Plan" placeholder="Any plan" clearable value={value.plan} onChange={(v) => set({ plan: v })} data={['free', 'starter', 'growth', 'pro', 'enterprise'].map((p) => ({ value: p, label: p[0]!.toUpperCase() + p.slice(1) }))} />
      <Select aria-label="Status" placeholder="Any status" clearable value={value.status} onChange={(v) => set({ status: v })} data={[{ value: 'trialing', label: 'Trialing' }, { value: 'active', label: 'Active' }, { value: 'past_due', label: 'Past due' }, { value: 'unpaid', label: 'Unpaid' }, { value: 'canceled', label: 'Canceled' }]} />
      <Select aria-label="Trial ending" placeholder="Trial ending: any" clearable value={value.trial} onChange={(v) => set({ trial: v })} data={[{ value: '3', label: 'Trial ends within 3 days' }, { value: '7', label: 'Trial ends within 7 days' }, { value: '30', label: 'Trial ends within 30 days' }]} />
      <Select aria-label="Suspended" placeholder="Suspended or not" clearable value={value.suspended} onChange={(v) => set({ suspended: v })} data={[{ value: 'yes', label: 'Suspended' }, { value: 'no', label: 'Not suspended' }]} />
      <Select aria-label="Usage" placeholder="Any usage" clearable value={value.usage} onChange={(v) => set({ usage: v })} data={[{ value: 'near', label: 'Near a limit (80 %+)' }, { value: 'over', label: 'At or over a limit' }]} />
      <Select aria-label="Last activity" placeholder="Any activity" clearable value={value.activity} onChange={(v) => set({ activity: v })} data={[{ value: 'active_7d', label: 'Active in 7 days' }, { value: 'active_30d', label: 'Active in 30 days' }, { value: 'inactive_30d', label: 'Inactive 30+ days' }, { value: 'inactive_90d', label: 'Inactive 90+ days' }]} />
    </SimpleGrid>
  );
}

export function TenantList({ filters, selected, onSelect }: { filters: TenantFilters; selected: string | null; onSelect: (id: string) => void }) {
  const trpc = useTRPC();
  const input = {
    search: filters.search.trim() || undefined,
    plan: (filters.plan ?? undefined) as 'free' | 'starter' | 'growth' | 'pro' | 'enterprise' | undefined,
    status: (filters.status ?? undefined) as 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | undefined,
    trialEndingWithinDays: filters.trial ? Number(filters.trial) : undefined,
    suspended: filters.suspended ? filters.suspended === 'yes' : undefined,
    usage: (filters.usage ?? undefined) as 'near' | 'over' | undefined,
    activity: (filters.activity ?? undefined) as 'active_7d' | 'active_30d' | 'inactive_30d' | 'inactive_90d' | undefined,
    limit: 100,
  };
  const tenants = useInfiniteQuery({ ...trpc.platform.listTenants.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextAfter ?? undefined }), placeholderData: keepPreviousData });
  const rows = tenants.data?.pages.flatMap((p) => p.tenants) ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length + (tenants.hasNextPage ? 1 : 0), getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = tenants;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 20) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  if (tenants.isError && !tenants.data) return <ErrorState error={tenants.error} onRetry={() => tenants.refetch()} title="Tenants could not be loaded" />;
  if (!tenants.data) return <Group p="md" gap="xs"><Loader size="sm" /><Text size="sm">Loading tenants…</Text></Group>;
  if (rows.length === 0) return <Text p="md" size="sm" c="dimmed">No tenant matches these filters.</Text>;
  return (
    <div ref={scrollRef} className="md-vtable" role="list" aria-label="Tenants" style={{ maxHeight: 620 }} data-testid="tenant-list">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: 0 }}>
        {items.map((item) => {
          const t = rows[item.index];
          const style = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, padding: '6px 12px', background: t && selected === t.id ? 'var(--mantine-color-default-hover)' : undefined };
          if (!t) return <div key="loader" className="md-vtable-abs" style={{ ...style, width: '100%' }}><Loader size="xs" /></div>;
          return (
            <div key={t.id} role="listitem" tabIndex={0} className="md-vtable-abs md-vtable-clickable" style={{ ...style, width: '100%' }} data-testid={`tenant-${t.slug}`} onClick={() => onSelect(t.id)} onKeyDown={(k) => k.key === 'Enter' && onSelect(t.id)}>
              <Group justify="space-between" wrap="nowrap">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600} truncate>{t.name}</Text>
                  <Text size="xs" c="dimmed" truncate>
                    {t.slug} · {t.planKey} · {formatNumber(t.members)} members{t.trialEndsAt && t.status === 'trialing' ? ` · trial ends ${formatDate(t.trialEndsAt)}` : ''}
                    {t.lastActivityAt ? ` · active ${formatDate(t.lastActivityAt)}` : ' · no activity'}
                  </Text>
                </div>
                <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
                  {t.usageRatio !== null && t.usageRatio >= 0.8 && <Badge color={t.usageRatio >= 1 ? 'red' : 'orange'} variant="light">{Math.round(t.usageRatio * 100)} %</Badge>}
                  {t.suspended ? <Badge color="red">Suspended</Badge> : <Badge variant="light">{t.status}</Badge>}
                </Group>
              </Group>
            </div>
          );
        })}
      </div>
    </div>
  );
}
