import { Center, Loader } from '@mantine/core';
import { type ComponentType, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, type RouteObject, RouterProvider } from 'react-router';

import { HomeRoute } from '@/app/routes/home';
import { NotFoundRoute } from '@/app/routes/not-found';
import { RouteError } from '@/app/routes/route-error';
import { RequireSession } from '@/app/session-guard';
import { AppLayout } from '@/components/layouts/app-layout';

/** Shown while the first page's code loads. */
function PageLoading() {
  const { t } = useTranslation();
  return (
    <Center h="60vh">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

// Pages are loaded when first visited, so the landing page does not download the app (charts,
// forms) behind the sign-in.
const page = (load: () => Promise<{ Component: ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: load,
});

/** Pages that need a session; web app part 2 adds its pages to this list. */
export const signedInRoutes: RouteObject[] = [
  {
    path: 'dashboard',
    ...page(async () => ({ Component: (await import('@/app/routes/dashboard')).DashboardRoute })),
  },
  {
    path: 'invoices',
    ...page(async () => ({
      Component: (await import('@/app/routes/invoices/list')).InvoicesRoute,
    })),
  },
  {
    path: 'invoices/new',
    ...page(async () => ({
      Component: (await import('@/app/routes/invoices/create')).CreateInvoiceRoute,
    })),
  },
  {
    path: 'invoices/:invoiceId',
    ...page(async () => ({
      Component: (await import('@/app/routes/invoices/detail')).InvoiceDetailRoute,
    })),
  },
  {
    path: 'invoices/:invoiceId/edit',
    ...page(async () => ({
      Component: (await import('@/app/routes/invoices/edit')).EditInvoiceRoute,
    })),
  },
  {
    path: 'customers',
    ...page(async () => ({ Component: (await import('@/app/routes/customers')).CustomersRoute })),
  },
  {
    path: 'suppliers',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/suppliers')).SuppliersRoute,
    })),
  },
  {
    path: 'purchase-orders',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/purchase-orders')).PurchaseOrdersRoute,
    })),
  },
  {
    path: 'purchase-orders/new',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/purchase-order-create'))
        .CreatePurchaseOrderRoute,
    })),
  },
  {
    path: 'purchase-orders/:orderId',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/purchase-order-detail'))
        .PurchaseOrderDetailRoute,
    })),
  },
  {
    path: 'payables',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/inbox')).PayablesInboxRoute,
    })),
  },
  {
    path: 'payables/new',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/inward-invoice-create'))
        .CreateInwardInvoiceRoute,
    })),
  },
  {
    path: 'payables/:invoiceId',
    ...page(async () => ({
      Component: (await import('@/app/routes/payables/inward-invoice')).InwardInvoiceRoute,
    })),
  },
  {
    path: 'imports',
    ...page(async () => ({ Component: (await import('@/app/routes/imports')).ImportsRoute })),
  },
  {
    path: 'team',
    ...page(async () => ({ Component: (await import('@/app/routes/team')).TeamRoute })),
  },
  {
    path: 'account/security',
    ...page(async () => ({
      Component: (await import('@/app/routes/account-security')).AccountSecurityRoute,
    })),
  },
  {
    path: 'admin',
    ...page(async () => ({
      Component: (await import('@/app/routes/admin/overview')).AdminOverviewRoute,
    })),
  },
  {
    path: 'admin/companies',
    ...page(async () => ({
      Component: (await import('@/app/routes/admin/companies')).AdminCompaniesRoute,
    })),
  },
  {
    path: 'admin/plans',
    ...page(async () => ({
      Component: (await import('@/app/routes/admin/plans')).AdminPlansRoute,
    })),
  },
  {
    path: 'admin/outbox',
    ...page(async () => ({
      Component: (await import('@/app/routes/admin/outbox')).AdminOutboxRoute,
    })),
  },
  {
    path: 'admin/content',
    ...page(async () => ({
      Component: (await import('@/app/routes/admin/content')).ContentManagerRoute,
    })),
  },
  {
    path: 'settings',
    ...page(async () => ({ Component: (await import('@/app/routes/settings')).SettingsRoute })),
  },
];

/** Sign-in, sign-up and password pages (public). */
const authRoutes: RouteObject[] = [
  {
    path: 'login',
    ...page(async () => ({ Component: (await import('@/app/routes/auth/login')).LoginRoute })),
  },
  {
    path: 'register',
    ...page(async () => ({
      Component: (await import('@/app/routes/auth/register')).RegisterRoute,
    })),
  },
  {
    path: 'forgot-password',
    ...page(async () => ({
      Component: (await import('@/app/routes/auth/forgot-password')).ForgotPasswordRoute,
    })),
  },
  {
    path: 'reset-password',
    ...page(async () => ({
      Component: (await import('@/app/routes/auth/password-token')).ResetPasswordRoute,
    })),
  },
  {
    path: 'set-password',
    ...page(async () => ({
      Component: (await import('@/app/routes/auth/password-token')).SetPasswordRoute,
    })),
  },
];

export const routes: RouteObject[] = [
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      {
        ...page(async () => ({
          Component: (await import('@/app/routes/signed-in')).SignedInRoute,
        })),
        children: signedInRoutes,
      },
    ],
  },
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      { index: true, element: <HomeRoute /> },
      ...authRoutes,
      // Any other path is the SPA's own 404; the backend serves index.html for deep links.
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export function AppRouter() {
  const [router] = useState(() => createBrowserRouter(routes));
  return <RouterProvider router={router} />;
}
