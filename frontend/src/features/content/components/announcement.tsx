import { Alert, Container } from '@mantine/core';

import type { PublicBlock } from '@/features/content/api/get-public-content';

import { ContentHtml } from './content-html';

/** The "home.announcement" CMS block, shown above the page when one is published. */
export function Announcement({ block }: { block: PublicBlock | undefined }) {
  if (block === undefined) return null;
  return (
    <Container size="lg" pt="md">
      <Alert variant="light" color="blue" title={block.title} data-testid="announcement">
        <ContentHtml html={block.body_html} />
      </Alert>
    </Container>
  );
}
