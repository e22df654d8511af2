// Meterdesk's look: an indigo-violet accent, system fonts (no web-font download, CSP-friendly),
// slightly rounder corners and calmer headings than Mantine's defaults.
import { createTheme, type MantineColorsTuple } from '@mantine/core';

const brand: MantineColorsTuple = [
  '#eef0ff',
  '#dcdefb',
  '#b6baf1',
  '#8f95e8',
  '#6d74e0',
  '#5860dc',
  '#4c54da',
  '#3d45c2',
  '#353dae',
  '#29339a',
];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 4 },
  colors: { brand },
  defaultRadius: 'md',
  focusRing: 'auto',
  cursorType: 'pointer',
  fontFamily:
    'Inter, "InterVariable", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", "SFMono-Regular", ui-monospace, Menlo, Consolas, "Liberation Mono", monospace',
  headings: {
    fontWeight: '650',
    sizes: {
      h1: { fontSize: '1.75rem', lineHeight: '1.25' },
      h2: { fontSize: '1.375rem', lineHeight: '1.3' },
      h3: { fontSize: '1.125rem', lineHeight: '1.35' },
    },
  },
  components: {
    Card: { defaultProps: { withBorder: true, padding: 'lg', radius: 'lg' } },
    Paper: { defaultProps: { radius: 'lg' } },
    Button: { defaultProps: { radius: 'md' } },
    // Sentence-case badges: role names read as names ("Owner"), not as shouting labels.
    Badge: { defaultProps: { radius: 'sm' }, styles: { root: { textTransform: 'none', letterSpacing: 0 } } },
    TextInput: { defaultProps: { size: 'md' } },
    PasswordInput: { defaultProps: { size: 'md' } },
    // Form inputs share one height, so a select next to a text field lines up.
    // Closed dropdowns leave the page: no hidden listbox shares its select's label (screen readers,
    // and tests that find fields by label, see one field per label).
    Select: { defaultProps: { size: 'md', comboboxProps: { keepMounted: false } } },
    NumberInput: { defaultProps: { size: 'md' } },
    TagsInput: { defaultProps: { size: 'md', comboboxProps: { keepMounted: false } } },
    Textarea: { defaultProps: { size: 'md' } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 300 } },
  },
});
