import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import en from '@/locales/en.json';

import { App } from './index';

function stubContentApi(response: () => Response) {
  const fetchMock = vi.fn(async (_input: RequestInfo | URL) => response());
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.pushState({}, '', '/');
});

describe('App', () => {
  it('renders the home page even when the content API answers 404', async () => {
    const fetchMock = stubContentApi(
      () =>
        new Response('{"detail":"Not Found"}', {
          status: 404,
          headers: { 'Content-Type': 'application/json' },
        }),
    );

    render(<App />);

    expect(
      await screen.findByRole('heading', { level: 1, name: en.home.hero.title }),
    ).toBeDefined();
    expect(screen.getByTestId('hero-subtitle').textContent).toBe(en.home.hero.subtitle);
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/v1/content/public?locale=en');
    expect(screen.queryByTestId('announcement')).toBeNull();
    const grid = screen.getByTestId('feature-grid');
    expect(within(grid).getAllByRole('heading', { level: 3 })).toHaveLength(6);
  });

  it('replaces built-in texts with published CMS blocks', async () => {
    const block = (title: string, body_html: string) => ({
      title,
      body_html,
      image_url: null,
      updated_at: '2026-11-24T10:00:00Z',
    });
    stubContentApi(
      () =>
        new Response(
          JSON.stringify({
            locale: 'en',
            blocks: {
              'home.announcement': block('News', '<p>Peppol go-live on 1 July</p>'),
              'home.hero': block('Title from the CMS', '<p>Body from the <strong>CMS</strong></p>'),
              'home.feature.peppol': block('Peppol from the CMS', '<p>Feature body</p>'),
              'home.cta': block('Register today', '<p>It takes minutes.</p>'),
            },
          }),
          { status: 200, headers: { 'Content-Type': 'application/json' } },
        ),
    );

    render(<App />);

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Title from the CMS' }),
    ).toBeDefined();
    expect(screen.getByTestId('hero-subtitle').textContent).toBe('Body from the CMS');
    expect(
      within(screen.getByTestId('announcement')).getByText('Peppol go-live on 1 July'),
    ).toBeDefined();
    const grid = screen.getByTestId('feature-grid');
    expect(
      within(grid)
        .getAllByRole('heading', { level: 3 })
        .map((h) => h.textContent),
    ).toEqual(['Peppol from the CMS']);
    expect(screen.getByRole('heading', { level: 2, name: 'Register today' })).toBeDefined();
  });

  it('renders the not-found page for an unknown deep link', async () => {
    stubContentApi(() => new Response(null, { status: 404 }));
    window.history.pushState({}, '', '/some/deep/link');

    render(<App />);

    expect(await screen.findByRole('heading', { level: 1, name: en.notFound.title })).toBeDefined();
    expect(screen.getByRole('link', { name: en.notFound.back }).getAttribute('href')).toBe('/');
  });
});
