import { Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconFileUpload } from '@tabler/icons-react';
import { type DragEvent, useId, useRef, useState } from 'react';

type FileDropProps = {
  /** What the zone says ("Drop a CSV or Excel file here, or choose one"). */
  label: string;
  hint?: string;
  /** The `accept` of the file input (".csv,.xlsx"). */
  accept: string;
  file: File | null;
  onFile: (file: File) => void;
  disabled?: boolean;
  error?: string | null;
  testId?: string;
};

/**
 * A drag-and-drop zone over a real file input: the input keeps it keyboard and screen-reader
 * friendly (a button opens the file picker) and lets tests set files directly. Dropping a file
 * anywhere on the zone picks it.
 */
export function FileDrop({
  label,
  hint,
  accept,
  file,
  onFile,
  disabled,
  error,
  testId,
}: FileDropProps) {
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped !== undefined && !disabled) onFile(dropped);
  };
  return (
    <Stack gap={4}>
      <Paper
        withBorder
        radius="md"
        p="lg"
        onDragOver={(event: DragEvent<HTMLElement>) => {
          event.preventDefault();
          if (!disabled) setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid={testId}
        data-over={over || undefined}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: error
            ? 'var(--mantine-color-error)'
            : over
              ? 'var(--mantine-primary-color-filled)'
              : undefined,
          background: over ? 'var(--mantine-primary-color-light)' : undefined,
        }}
      >
        <UnstyledButton
          w="100%"
          onClick={() => input.current?.click()}
          disabled={disabled}
          aria-describedby={hint ? `${id}-hint` : undefined}
        >
          <Group justify="center" gap="md" wrap="nowrap">
            <IconFileUpload size={36} stroke={1.5} aria-hidden />
            <Stack gap={2}>
              <Text fw={600}>{label}</Text>
              {hint && (
                <Text size="sm" c="dimmed" id={`${id}-hint`}>
                  {hint}
                </Text>
              )}
              {file && (
                <Text size="sm" data-testid={testId ? `${testId}-name` : undefined} dir="ltr">
                  {file.name}
                </Text>
              )}
            </Stack>
          </Group>
        </UnstyledButton>
        <input
          ref={input}
          type="file"
          accept={accept}
          hidden
          tabIndex={-1}
          aria-label={label}
          disabled={disabled}
          onChange={(event) => {
            const chosen = event.currentTarget.files?.[0];
            if (chosen !== undefined) onFile(chosen);
            event.currentTarget.value = '';
          }}
        />
      </Paper>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
