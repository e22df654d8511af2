// The organization's logo: picked from disk, checked here (type, 256 KB), kept as a data: URL.
import { Avatar, Button, FileButton, Group, Input, Stack, Text } from '@mantine/core';
import { IconPhotoUp, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { initials } from '../../shell/UserMenu';

const TYPES = ['image/png', 'image/jpeg', 'image/svg+xml', 'image/webp'];
const MAX_BYTES = 256 * 1024;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

export function LogoPicker({
  value,
  onChange,
  name,
  disabled,
  error,
}: {
  value: string | null;
  onChange: (dataUrl: string | null) => void;
  name: string;
  disabled?: boolean;
  error?: string;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const pick = async (file: File | null) => {
    if (!file) return;
    if (!TYPES.includes(file.type)) return setProblem(`${file.name} is not a PNG, JPEG, SVG or WebP image.`);
    if (file.size > MAX_BYTES) return setProblem(`${file.name} is ${Math.ceil(file.size / 1024)} KB; the logo must be at most 256 KB.`);
    try {
      setProblem(null);
      onChange(await readAsDataUrl(file));
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const message = problem ?? error;
  return (
    <Input.Wrapper label="Logo" description="PNG, JPEG, SVG or WebP, at most 256 KB. Square images look best." error={message} size="md">
      <Group gap="md" mt={8} wrap="nowrap">
        <Avatar src={value} size={64} radius="md" color="brand" variant="light" alt={value ? `${name} logo` : undefined} styles={{ image: { objectFit: 'contain' } }}>
          {initials(name)}
        </Avatar>
        <Stack gap={6}>
          <Group gap="xs">
            <FileButton onChange={pick} accept={TYPES.join(',')} disabled={disabled}>
              {(props) => (
                <Button {...props} size="xs" variant="default" leftSection={<IconPhotoUp size={14} />} disabled={disabled}>
                  {value ? 'Replace logo' : 'Upload logo'}
                </Button>
              )}
            </FileButton>
            {value && (
              <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => (setProblem(null), onChange(null))} disabled={disabled}>
                Remove
              </Button>
            )}
          </Group>
          {!value && (
            <Text size="xs" c="dimmed">
              Without a logo, the organization’s initials are shown.
            </Text>
          )}
        </Stack>
      </Group>
    </Input.Wrapper>
  );
}
