// A compact filter: a button that says what it filters and by what ("Role: Manager"), opening a menu
// of choices. Its name comes from its text, so it never competes with a form field's label.
import { Button, Menu, ScrollArea } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';

export interface FilterChoice<T extends string> {
  value: T;
  label: string;
}

export function FilterMenu<T extends string>({
  title,
  anyLabel,
  choices,
  value,
  onChange,
}: {
  title: string;
  /** The "no filter" choice, e.g. "All roles". */
  anyLabel: string;
  choices: FilterChoice<T>[];
  value: T | undefined;
  onChange: (value: T | undefined) => void;
}) {
  const current = choices.find((c) => c.value === value);
  return (
    <Menu position="bottom-start" shadow="md" width={220}>
      <Menu.Target>
        <Button
          size="sm"
          variant={current ? 'light' : 'default'}
          rightSection={<IconChevronDown size={14} />}
          fw={current ? 600 : 500}
          styles={{ label: { maxWidth: 200, overflow: 'hidden', textOverflow: 'ellipsis' } }}
        >
          {title}: {current?.label ?? anyLabel}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <ScrollArea.Autosize mah={320} type="auto">
          {/* '' stands for "no filter" (radio values are strings). */}
          <Menu.RadioGroup value={value ?? ''} onChange={(v) => onChange(choices.find((c) => c.value === v)?.value)}>
            {[{ value: '', label: anyLabel }, ...choices].map((choice) => (
              <Menu.RadioItem key={choice.value} value={choice.value} closeMenuOnClick>
                {choice.label}
              </Menu.RadioItem>
            ))}
          </Menu.RadioGroup>
        </ScrollArea.Autosize>
      </Menu.Dropdown>
    </Menu>
  );
}
