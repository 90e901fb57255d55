import { Typography } from '@mantine/core';
import DOMPurify from 'dompurify';
import { useMemo } from 'react';

type ContentHtmlProps = {
  html: string;
  className?: string;
};

/**
 * CMS HTML. The API already cleans it with an allow-list; it is sanitised again here because it
 * goes into innerHTML on a public page, where one slip would mean script on every visitor.
 */
export function ContentHtml({ html, className }: ContentHtmlProps) {
  const clean = useMemo(
    () =>
      DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form'] }),
    [html],
  );
  return (
    <Typography className={className}>
      <div dangerouslySetInnerHTML={{ __html: clean }} />
    </Typography>
  );
}
