"""The /api/v1 router: one include per domain."""

from fastapi import APIRouter, Depends

from involinks.admin.router import router as admin_companies_router
from involinks.analytics.router import routers as analytics_routers
from involinks.audit.router import router as audit_router
from involinks.auth.router import router as auth_router
from involinks.companies.router import routers as company_routers
from involinks.compliance.router import routers as compliance_routers
from involinks.content.router import admin_router as content_admin_router
from involinks.content.router import public_router as content_public_router
from involinks.customers.router import router as customers_router
from involinks.health.router import router as health_router
from involinks.imports.router import router as imports_router
from involinks.invoicing.payments import router as invoice_payments_router
from involinks.invoicing.router import router as invoices_router
from involinks.payables.goods_receipts.router import router as goods_receipts_router
from involinks.payables.inward_invoices.router import router as inward_invoices_router
from involinks.payables.matching.router import router as matching_router
from involinks.payables.purchase_orders.router import public_router as purchase_order_link_router
from involinks.payables.purchase_orders.router import router as purchase_orders_router
from involinks.payables.suppliers.router import router as suppliers_router
from involinks.peppol.router import router as peppol_router
from involinks.plans.enforcement import RequireFeature
from involinks.plans.models import Feature
from involinks.plans.router import routers as plans_routers

# Plan features are checked for the whole router, ahead of each route's own permission check.
_ACCOUNTS_PAYABLE = [Depends(RequireFeature(Feature.ACCOUNTS_PAYABLE))]
_BULK_IMPORT = [Depends(RequireFeature(Feature.BULK_IMPORT))]

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
api_router.include_router(imports_router, dependencies=_BULK_IMPORT)
api_router.include_router(auth_router)
api_router.include_router(content_public_router)
api_router.include_router(content_admin_router)
api_router.include_router(customers_router)
api_router.include_router(invoices_router)
api_router.include_router(invoice_payments_router)
for _router in compliance_routers:
    api_router.include_router(_router)
api_router.include_router(suppliers_router, dependencies=_ACCOUNTS_PAYABLE)
api_router.include_router(peppol_router)
api_router.include_router(purchase_orders_router, dependencies=_ACCOUNTS_PAYABLE)
api_router.include_router(purchase_order_link_router)
api_router.include_router(goods_receipts_router, dependencies=_ACCOUNTS_PAYABLE)
api_router.include_router(inward_invoices_router, dependencies=_ACCOUNTS_PAYABLE)
api_router.include_router(matching_router, dependencies=_ACCOUNTS_PAYABLE)
for _router in company_routers:
    api_router.include_router(_router)
api_router.include_router(audit_router)
api_router.include_router(admin_companies_router)
for _router in (*plans_routers, *analytics_routers):
    api_router.include_router(_router)
