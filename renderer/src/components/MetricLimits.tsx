// Monthly numbers per metric (per-user limits, team budgets): an editor for admins, a list for
// everyone else, and the diff the server needs (changed values, null for removed metrics).
import { ActionIcon, Group, NumberInput, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { formatNumber } from '../lib/format';
import { METRIC_OPTIONS, isMetricKey, metricLabel, metricUnit, type MetricKey } from '../lib/metrics';

export interface LimitRow {
  metric: string;
  limit: number;
}

export interface Draft {
  metric: MetricKey;
  limit: number | '';
}

/** The editable list of "metric → monthly number" rows shared by member limits and team budgets. */
export function MetricLimitsEditor({
  drafts,
  onChange,
  addLabel,
  noun,
  showErrors,
}: {
  drafts: Draft[];
  onChange: (next: Draft[]) => void;
  addLabel: string;
  noun: string;
  showErrors: boolean;
}) {
  const available = METRIC_OPTIONS.filter((o) => !drafts.some((d) => d.metric === o.value));
  return (
    <Stack gap="xs">
      {drafts.map((d, i) => {
        const label = metricLabel(d.metric);
        return (
          <Group key={d.metric} gap="sm" wrap="nowrap" align="flex-start">
            <NumberInput
              size="sm"
              label={label}
              description={`${metricUnit(d.metric)} per month`}
              value={d.limit}
              min={0}
              max={1_000_000_000}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
              error={showErrors && d.limit === '' ? `Enter a ${noun} or remove it.` : undefined}
              onChange={(v) => onChange(drafts.map((x, j) => (j === i ? { ...x, limit: typeof v === 'number' ? v : '' } : x)))}
              style={{ flex: 1 }}
            />
            <Tooltip label={`Remove the ${label} ${noun}`}>
              <ActionIcon variant="subtle" color="gray" mt={26} aria-label={`Remove the ${label} ${noun}`} onClick={() => onChange(drafts.filter((_, j) => j !== i))}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        );
      })}
      {available.length > 0 && (
        <Select
          size="sm"
          aria-label={addLabel}
          placeholder={addLabel}
          leftSection={<IconPlus size={14} />}
          data={available}
          value={null}
          searchable
          onChange={(metric) => metric && isMetricKey(metric) && onChange([...drafts, { metric, limit: '' }])}
        />
      )}
    </Stack>
  );
}

export function toDrafts(rows: LimitRow[]): Draft[] {
  return rows.filter((r) => isMetricKey(r.metric)).map((r) => ({ metric: r.metric as MetricKey, limit: r.limit }));
}

/** What changed: new or edited values, and null for every removed metric. */
export function diffLimits(before: LimitRow[], drafts: Draft[]): { metric: MetricKey; limit: number | null }[] {
  const changes: { metric: MetricKey; limit: number | null }[] = [];
  for (const d of drafts) {
    if (d.limit === '') continue;
    if (before.find((b) => b.metric === d.metric)?.limit !== d.limit) changes.push({ metric: d.metric, limit: d.limit });
  }
  for (const b of before) if (isMetricKey(b.metric) && !drafts.some((d) => d.metric === b.metric)) changes.push({ metric: b.metric, limit: null });
  return changes;
}

export function LimitsList({ rows, empty }: { rows: LimitRow[]; empty: string }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <Stack gap={6}>
      {rows.map((r) => (
        <Group key={r.metric} justify="space-between" gap="sm">
          <Text size="sm">{metricLabel(r.metric)}</Text>
          <Text size="sm" fw={600} className="md-stat-value">
            {formatNumber(r.limit)} <Text span size="xs" c="dimmed" fw={400}>{metricUnit(r.metric)}/month</Text>
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
