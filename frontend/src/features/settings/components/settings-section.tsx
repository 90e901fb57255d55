import { Card, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useId } from 'react';

type SettingsSectionProps = {
  title: string;
  description?: string;
  testId: string;
  children: ReactNode;
};

/** One titled card of the settings page (a named region for screen readers). */
export function SettingsSection({ title, description, testId, children }: SettingsSectionProps) {
  const titleId = useId();
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="section"
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={2} size="h4" id={titleId}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </Stack>
        {children}
      </Stack>
    </Card>
  );
}
