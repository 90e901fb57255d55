import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import en from '@/locales/en.json';
import { setAccessToken } from '@/lib/api';

import { App } from './index';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const ME = {
  user: {
    id: 'u1',
    email: 'finance@example.ae',
    full_name: 'Finance User',
    role: 'FINANCE_USER',
    mfa_enabled: false,
    mfa_methods: [],
    backup_codes_remaining: 0,
  },
  company: {
    id: 'c1',
    legal_name: 'Example LLC',
    trn: '100000000000003',
    status: 'ACTIVE',
    plan_code: 'PRO',
    mfa_required: true,
  },
  mfa_enrolment_required: false,
};

/** A fake API: `routes` maps "METHOD /path" to an answer; anything else is a 404. */
function fakeApi(routes: Record<string, () => Response>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const answer = routes[`${init?.method ?? 'GET'} ${url.pathname}`];
    return answer ? answer() : json(404, { error: { code: 'not_found', message: 'Not Found' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setAccessToken(null);
  window.history.pushState({}, '', '/');
});

describe('signed-in pages', () => {
  it('send a visitor without a session to sign-in, remembering the page', async () => {
    fakeApi({
      'POST /api/v1/auth/refresh': () =>
        json(401, { error: { code: 'unauthorized', message: 'Sign in again.' } }),
    });
    window.history.pushState({}, '', '/invoices?status=DRAFT');

    render(<App />);

    expect(
      await screen.findByRole(
        'heading',
        { level: 1, name: en.auth.login.title },
        { timeout: 5000 }, // the first visit loads the page's code
      ),
    ).toBeDefined();
    expect(window.location.pathname).toBe('/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/invoices?status=DRAFT');
  });

  it('restore the session from the refresh cookie on load', async () => {
    const fetchMock = fakeApi({
      'POST /api/v1/auth/refresh': () => json(200, { access_token: 'restored' }),
      'GET /api/v1/me': () => json(200, ME),
      'GET /api/v1/customers': () => json(200, { items: [], total: 0, page: 1, page_size: 20 }),
    });
    window.history.pushState({}, '', '/customers');

    render(<App />);

    expect(
      await screen.findByRole('heading', { level: 1, name: en.customers.title }, { timeout: 5000 }),
    ).toBeDefined();
    const me = fetchMock.mock.calls.find(([url]) => String(url) === '/api/v1/me');
    expect(new Headers(me?.[1]?.headers).get('Authorization')).toBe('Bearer restored');
  });

  it('hold a user whose company requires MFA on the enrolment page', async () => {
    fakeApi({
      'POST /api/v1/auth/refresh': () => json(200, { access_token: 'restored' }),
      'GET /api/v1/me': () => json(200, { ...ME, mfa_enrolment_required: true }),
    });
    window.history.pushState({}, '', '/invoices');

    render(<App />);

    expect(
      await screen.findByText(en.auth.security.requiredTitle, {}, { timeout: 5000 }),
    ).toBeDefined();
    expect(window.location.pathname).toBe('/account/security');
  });
});
