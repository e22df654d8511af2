// The metrics catalog (server/metering/metrics.ts) as the console's forms use it.
import { METRICS, METRIC_KEYS, type MetricKey } from '../../../server/metering/metrics';

export type { MetricKey };
export { METRIC_KEYS };

export const METRIC_OPTIONS = METRIC_KEYS.map((key) => ({ value: key, label: METRICS[key].label }));

export function isMetricKey(value: string): value is MetricKey {
  return value in METRICS;
}

export function metricLabel(metric: string): string {
  return isMetricKey(metric) ? METRICS[metric].label : metric;
}

export function metricUnit(metric: string): string {
  return isMetricKey(metric) ? METRICS[metric].unit : '';
}
