import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';

import i18n from '@/lib/i18n';
import en from '@/locales/en.json';

import { ContentManager } from './content-manager';

const block = (locale: 'en' | 'ar', title: string, version: number) => ({
  id: `${locale}-id`,
  key: 'home.hero',
  locale,
  title,
  body: `${title} body`,
  body_format: 'markdown',
  body_html: `<p>${title} body</p>`,
  image_url: null,
  published: true,
  version,
  updated_by_id: null,
  updated_at: '2026-11-24T10:00:00Z',
});

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

// Mantine's autosizing textarea listens to document.fonts, which jsdom does not have.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    value: { addEventListener: () => undefined, removeEventListener: () => undefined },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ContentManager', () => {
  it('saves the edited block in the chosen language with its publish flag', async () => {
    const calls: { url: string; method: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? 'GET';
        const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
        calls.push({ url, method, body });
        if (url === '/api/v1/admin/content') {
          return json([block('en', 'Hello', 3), block('ar', 'مرحبا', 2)]);
        }
        if (url.startsWith('/api/v1/admin/content/home.hero/history')) return json([]);
        if (url === '/api/v1/admin/content/preview') {
          return json({
            html: `<p><strong>${String((body as { body: string }).body)}</strong></p>`,
          });
        }
        if (method === 'PUT') return json({ ...block('ar', 'جديد', 3), ...(body as object) });
        return json({ error: { code: 'not_found', message: 'no' } }, 404);
      }),
    );
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <I18nextProvider i18n={i18n}>
        <MantineProvider>
          <QueryClientProvider client={client}>
            <ContentManager />
          </QueryClientProvider>
        </MantineProvider>
      </I18nextProvider>,
    );

    const english = await screen.findByTestId('content-form-en');
    expect(within(english).getByLabelText(en.contentManager.titleField)).toHaveProperty(
      'value',
      'Hello',
    );
    fireEvent.click(screen.getByRole('tab', { name: en.languages.ar }));
    const arabic = screen.getByTestId('content-form-ar');
    const title = within(arabic).getByLabelText(en.contentManager.titleField);
    expect(title.closest('[dir]')?.getAttribute('dir')).toBe('rtl');
    fireEvent.change(title, { target: { value: 'جديد' } });
    fireEvent.click(within(arabic).getByRole('switch'));
    fireEvent.click(within(arabic).getByRole('button', { name: en.contentManager.save }));

    await waitFor(() => expect(calls.some((call) => call.method === 'PUT')).toBe(true));
    const put = calls.find((call) => call.method === 'PUT');
    expect(put?.url).toBe('/api/v1/admin/content/home.hero');
    expect(put?.body).toEqual({
      locale: 'ar',
      title: 'جديد',
      body: 'مرحبا body',
      body_format: 'markdown',
      image_url: null,
      published: false,
    });
  });
});
