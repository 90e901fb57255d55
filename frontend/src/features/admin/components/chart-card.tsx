import { Card, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

type ChartCardProps = {
  title: string;
  testId: string;
  /** The chart itself: drawn for the eye, hidden from screen readers. */
  chart: ReactNode;
  /** The same figures as a table, for screen readers (and the tests). */
  columns: string[];
  rows: (string | number)[][];
  empty?: boolean;
  footer?: ReactNode;
};

/** A titled chart with its figures repeated in a visually hidden table. */
export function ChartCard({ title, testId, chart, columns, rows, empty, footer }: ChartCardProps) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <Card withBorder radius="md" padding="md" data-testid={testId} h="100%">
      <Stack gap="sm">
        <Title order={2} size="h5" id={titleId}>
          {title}
        </Title>
        {empty ? (
          <Text c="dimmed" size="sm" py="xl" ta="center">
            {t('admin.analytics.noData')}
          </Text>
        ) : (
          <div aria-hidden style={{ width: '100%', height: 240 }}>
            {chart}
          </div>
        )}
        <VisuallyHidden>
          <Table aria-labelledby={titleId}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th key={column}>{column}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row, index) => (
                <Table.Tr key={index}>
                  {row.map((cell, column) => (
                    <Table.Td key={column}>{cell}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </VisuallyHidden>
        {footer}
      </Stack>
    </Card>
  );
}
