// Usage alert thresholds as a multi-value input: type a percentage and press Enter (or a comma).
import { TagsInput } from '@mantine/core';
import { useState } from 'react';

const SUGGESTIONS = ['50%', '75%', '80%', '90%', '100%'];

/** Whole percentages 1–100, each once, ascending; `null` when something typed is not one. */
export function parseThresholds(values: string[]): number[] | null {
  const numbers = values.map((v) => Number(v.replace(/%/g, '').trim()));
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 100)) return null;
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export function AlertThresholdsInput({ value, onChange, disabled, error }: { value: number[]; onChange: (next: number[]) => void; disabled?: boolean; error?: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <TagsInput
      label="Usage alert thresholds"
      description="Alert when a limit, budget or quota reaches these percentages (each fires once per period)."
      placeholder={value.length >= 10 ? undefined : 'Add a percentage'}
      value={value.map((n) => `${n}%`)}
      data={SUGGESTIONS.filter((s) => !value.includes(Number(s.replace('%', ''))))}
      onChange={(next) => {
        const parsed = parseThresholds(next);
        if (!parsed) return setProblem('Use whole percentages from 1 to 100.');
        setProblem(null);
        onChange(parsed);
      }}
      splitChars={[',', ' ', ';']}
      maxTags={10}
      clearable
      disabled={disabled}
      error={problem ?? error}
      acceptValueOnBlur
    />
  );
}
