import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ContentHtml } from './content-html';

function renderHtml(html: string): HTMLElement {
  const { container } = render(
    <MantineProvider>
      <ContentHtml html={html} />
    </MantineProvider>,
  );
  return container;
}

describe('ContentHtml', () => {
  it('renders the formatting the CMS allows', () => {
    const container = renderHtml('<p>Pass <strong>PINT AE</strong> <a href="/docs">rules</a></p>');

    expect(container.querySelector('strong')?.textContent).toBe('PINT AE');
    expect(container.querySelector('a')?.getAttribute('href')).toBe('/docs');
  });

  it('removes scripts, event handlers and javascript: links that slipped past the API', () => {
    const container = renderHtml(
      '<p onclick="steal()">Hi</p><script>steal()</script>' +
        '<img src="x" onerror="steal()"><a href="javascript:steal()">x</a>',
    );

    expect(container.querySelector('script')).toBeNull();
    expect(container.innerHTML).not.toContain('steal');
    expect(container.querySelector('p')?.textContent).toBe('Hi');
  });
});
