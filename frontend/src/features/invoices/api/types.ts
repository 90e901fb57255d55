/** The invoice as GET /invoices/{id} returns it (amounts are decimal strings). */

export type InvoiceStatus =
  | 'DRAFT'
  | 'FINALIZED'
  | 'APPROVED'
  | 'SENT'
  | 'DELIVERED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'FAILED'
  | 'CANCELLED'
  | 'PAID';

export const INVOICE_STATUSES: InvoiceStatus[] = [
  'DRAFT',
  'FINALIZED',
  'APPROVED',
  'SENT',
  'DELIVERED',
  'ACCEPTED',
  'REJECTED',
  'FAILED',
  'CANCELLED',
  'PAID',
];

export type InvoiceKind = 'invoice' | 'credit_note';

export type InvoiceLine = {
  id: string;
  position: number;
  item_name: string;
  description: string | null;
  quantity: string;
  unit_code: string;
  unit_price: string;
  discount_amount: string | null;
  discount_reason: string | null;
  vat_category: string;
  vat_rate: string | null;
  exemption_reason_code: string | null;
  exemption_reason: string | null;
  item_type: string | null;
  classification_code: string | null;
  line_extension_amount: string;
  vat_amount: string | null;
  amount_with_vat: string;
};

/** A document-level allowance (is_charge false) or charge. */
export type AllowanceCharge = {
  id: string;
  position: number;
  is_charge: boolean;
  amount: string;
  base_amount: string | null;
  percentage: string | null;
  reason: string | null;
  reason_code: string | null;
  vat_category: string;
  vat_rate: string | null;
  exemption_reason_code: string | null;
  exemption_reason: string | null;
};

export type VatBreakdownRow = {
  category: string;
  rate: string | null;
  taxable_amount: string;
  tax_amount: string;
};

export type StatusEvent = {
  status: InvoiceStatus;
  at: string;
  by_id: string | null;
  note: string | null;
};

export type Invoice = {
  id: string;
  kind: InvoiceKind;
  type_code: string;
  status: InvoiceStatus;
  number: string | null;
  customer_id: string;
  customer: { id: string; legal_name: string; trn: string | null };
  credited_invoice_id: string | null;
  credited_invoice_number: string | null;
  credit_reason_code: string | null;
  credit_reason: string | null;
  issue_date: string;
  supply_date: string | null;
  due_date: string | null;
  payment_terms: string | null;
  purchase_order_reference: string | null;
  buyer_reference: string | null;
  notes: string[];
  currency: string;
  exchange_rate: string | null;
  self_billing: boolean;
  payment_means: {
    code: string;
    account_id: string | null;
    account_name: string | null;
    payment_id: string | null;
  };
  lines: InvoiceLine[];
  allowances_charges: AllowanceCharge[];
  line_extension_amount: string;
  allowance_total_amount: string;
  charge_total_amount: string;
  tax_exclusive_amount: string;
  tax_amount: string;
  tax_inclusive_amount: string;
  payable_amount: string;
  tax_amount_aed: string;
  tax_inclusive_amount_aed: string;
  vat_breakdown: VatBreakdownRow[];
  finalized_at: string | null;
  approved_at: string | null;
  created_at: string;
  updated_at: string;
};

export type InvoiceDetail = Invoice & { status_history: StatusEvent[] };

/** One row of the list screen (GET /invoices?view=summary): no lines, no party snapshots. */
export type InvoiceSummary = Pick<
  Invoice,
  | 'id'
  | 'kind'
  | 'type_code'
  | 'self_billing'
  | 'status'
  | 'number'
  | 'customer_id'
  | 'customer'
  | 'credited_invoice_id'
  | 'credited_invoice_number'
  | 'issue_date'
  | 'due_date'
  | 'purchase_order_reference'
  | 'buyer_reference'
  | 'currency'
  | 'tax_exclusive_amount'
  | 'tax_amount'
  | 'payable_amount'
  | 'tax_amount_aed'
  | 'finalized_at'
  | 'approved_at'
  | 'created_at'
  | 'updated_at'
> & { external_reference: string | null };

export type InvoiceSummaryPage = {
  view: 'summary';
  items: InvoiceSummary[];
  total: number;
  page: number;
  page_size: number;
};

/** What POST /invoices and PATCH /invoices/{id} take. */
export type InvoiceLineInput = {
  item_name: string;
  description?: string | null;
  quantity: string;
  unit_code: string;
  unit_price: string;
  discount_amount?: string | null;
  vat_category: string;
  vat_rate?: string | null;
  exemption_reason_code?: string | null;
  exemption_reason?: string | null;
  item_type?: string | null;
  classification_code?: string | null;
  rcm_goods_type?: string;
  standard_item_id?: string;
};

export type AllowanceChargeInput = {
  is_charge: boolean;
  amount: string;
  reason: string;
  vat_category: string;
  vat_rate?: string | null;
  exemption_reason_code?: string | null;
};

export type InvoiceInput = {
  customer_id: string;
  type_code: '380' | '480';
  self_billing?: boolean;
  issue_date: string;
  supply_date?: string | null;
  due_date?: string | null;
  payment_terms?: string | null;
  purchase_order_reference?: string | null;
  buyer_reference?: string | null;
  currency: string;
  exchange_rate?: string | null;
  payment_means?: { code: string; account_id?: string | null; account_name?: string | null };
  notes?: string[] | null;
  lines: InvoiceLineInput[];
  allowances_charges?: AllowanceChargeInput[];
};
