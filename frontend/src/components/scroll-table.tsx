import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

type ScrollTableProps = { minWidth: number; label: string; children: ReactNode };

/**
 * A table that scrolls sideways on narrow screens. The scrolling box is a focusable, named
 * region, so keyboard users can scroll it too (WCAG 2.1.1; axe scrollable-region-focusable).
 */
export function ScrollTable({ minWidth, label, children }: ScrollTableProps) {
  return (
    <Table.ScrollContainer
      type="native"
      minWidth={minWidth}
      tabIndex={0}
      role="region"
      aria-label={label}
      // Visually hidden headers are absolutely positioned: without this they would sit at the
      // table's far edge outside the scrolling box and widen the whole page on a phone.
      style={{ position: 'relative' }}
    >
      {children}
    </Table.ScrollContainer>
  );
}
