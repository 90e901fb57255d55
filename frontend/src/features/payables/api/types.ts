/** Accounts payable as the API returns it (amounts and quantities are decimal strings). */

export type Page<T> = { items: T[]; total: number; page: number; page_size: number };

export type Supplier = {
  id: string;
  legal_name: string;
  trn: string | null;
  peppol_id: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  country: string;
  currency: string;
  payment_terms_days: number | null;
  is_active: boolean;
  created_at: string;
};

export type SupplierInput = {
  legal_name: string;
  trn?: string | null;
  email?: string | null;
  peppol_id?: string | null;
  phone?: string | null;
  city?: string | null;
  currency?: string;
  payment_terms_days?: number | null;
  /** Edit only: an inactive supplier takes no new purchase orders. */
  is_active?: boolean;
};

export type SupplierBrief = { id: string; legal_name: string; trn: string | null };

export type PurchaseOrderStatus =
  'DRAFT' | 'SENT' | 'PARTIALLY_RECEIVED' | 'RECEIVED' | 'CLOSED' | 'CANCELLED';

export const PURCHASE_ORDER_STATUSES: PurchaseOrderStatus[] = [
  'DRAFT',
  'SENT',
  'PARTIALLY_RECEIVED',
  'RECEIVED',
  'CLOSED',
  'CANCELLED',
];

export type PurchaseOrderLine = {
  id: string;
  line_no: number;
  item_code: string | null;
  item_name: string;
  description: string | null;
  unit_code: string;
  quantity: string;
  unit_price: string;
  vat_category: string;
  vat_rate: string;
  net_amount: string;
  received_quantity: string;
  rejected_quantity: string;
  accepted_quantity: string;
};

export type PurchaseOrderListItem = {
  id: string;
  number: string;
  status: PurchaseOrderStatus;
  supplier: SupplierBrief;
  order_date: string;
  expected_delivery_date: string | null;
  currency: string;
  net_amount: string;
  tax_amount: string;
  total_amount: string;
  sent_at: string | null;
  created_at: string;
};

export type PurchaseOrder = PurchaseOrderListItem & {
  delivery_address: string | null;
  payment_terms: string | null;
  notes: string | null;
  sent_to: string | null;
  status_reason: string | null;
  lines: PurchaseOrderLine[];
};

export type PurchaseOrderLineInput = {
  item_name: string;
  quantity: string;
  unit_code: string;
  unit_price: string;
  vat_category: string;
  vat_rate: string;
};

export type PurchaseOrderInput = {
  supplier_id: string;
  order_date: string;
  expected_delivery_date?: string | null;
  currency: string;
  notes?: string | null;
  lines: PurchaseOrderLineInput[];
};

export type GoodsReceiptLine = {
  id: string;
  purchase_order_line_id: string;
  line_no: number;
  item_name: string;
  quantity_received: string;
  quantity_rejected: string;
  quantity_accepted: string;
  rejection_reason: string | null;
};

export type GoodsReceipt = {
  id: string;
  number: string;
  purchase_order_id: string;
  purchase_order_number: string;
  received_date: string;
  delivery_note_reference: string | null;
  notes: string | null;
  over_receipt: boolean;
  created_at: string;
  lines: GoodsReceiptLine[];
};

export type GoodsReceiptInput = {
  purchase_order_id: string;
  received_date: string;
  delivery_note_reference?: string | null;
  allow_over_receipt?: boolean;
  lines: {
    purchase_order_line_id: string;
    quantity_received: string;
    quantity_rejected?: string;
    rejection_reason?: string | null;
  }[];
};

export type InwardStatus =
  'RECEIVED' | 'NEEDS_REVIEW' | 'READY_TO_PAY' | 'ON_HOLD' | 'DISPUTED' | 'REJECTED' | 'PAID';

export const INWARD_STATUSES: InwardStatus[] = [
  'RECEIVED',
  'NEEDS_REVIEW',
  'READY_TO_PAY',
  'ON_HOLD',
  'DISPUTED',
  'REJECTED',
  'PAID',
];

export type MatchStatus = 'FULL_MATCH' | 'VARIANCE_DETECTED' | 'PARTIAL_MATCH' | 'NOT_MATCHED';

export const MATCH_STATUSES: MatchStatus[] = [
  'FULL_MATCH',
  'VARIANCE_DETECTED',
  'PARTIAL_MATCH',
  'NOT_MATCHED',
];

export type InwardSource = 'PEPPOL' | 'UPLOAD' | 'MANUAL';

export type InwardInvoiceListItem = {
  id: string;
  source: InwardSource;
  document_kind: string;
  invoice_number: string;
  supplier_id: string | null;
  supplier_name: string;
  supplier_trn: string | null;
  issue_date: string;
  due_date: string | null;
  currency: string;
  net_amount: string;
  tax_amount: string;
  total_amount: string;
  payable_amount: string;
  status: InwardStatus;
  matching_status: MatchStatus;
  purchase_order_id: string | null;
  order_reference: string | null;
  variance_amount: string | null;
  received_at: string;
  /** What the payments so far add up to, and what is still owed (nothing once paid). */
  paid_amount: string;
  outstanding_amount: string;
};

export type InwardInvoiceLine = {
  id: string;
  position: number;
  line_id: string;
  item_name: string;
  quantity: string;
  unit_code: string | null;
  unit_price: string;
  net_amount: string;
  vat_category: string | null;
  vat_rate: string | null;
};

export type InwardInvoiceEvent = {
  id: string;
  occurred_at: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  matching_status: string | null;
  note: string | null;
};

export type LineFinding = {
  invoice_line_id: string;
  order_line_id: string;
  pairing: string;
  item_name: string;
  ordered_item_name: string;
  ordered_quantity: string;
  received_quantity: string;
  rejected_quantity: string;
  previously_invoiced_quantity: string;
  available_quantity: string;
  invoiced_quantity: string;
  matched_quantity: string;
  quantity_variance: string;
  ordered_unit_price: string;
  invoiced_unit_price: string;
  expected_amount: string;
  invoiced_amount: string;
  price_variance: string | null;
  amount_variance: string | null;
  is_clean: boolean;
  reasons: string[];
  reason: string;
};

export type InvoiceMatch = {
  id: string;
  status: MatchStatus;
  matching_status: MatchStatus;
  explanation: string;
  is_current: boolean;
  trigger: string;
  matched_at: string;
  purchase_order_id: string | null;
  order_number: string | null;
  currency: string;
  expected_net: string;
  invoiced_net: string;
  net_difference: string | null;
  variance_amount: string | null;
  variance_percent: string | null;
  expected_tax: string;
  invoiced_tax: string;
  tax_variance: string | null;
  invoiced_payable: string;
  tolerances: { full_match_amount: string; variance_percent: string };
  lines: LineFinding[];
  unmatched_invoice_lines: {
    invoice_line_id: string;
    item_name: string;
    quantity: string;
    net_amount: string;
    reason: string;
  }[];
  uninvoiced_order_lines: {
    order_line_id: string;
    item_name: string;
    ordered_quantity: string;
    accepted_quantity: string;
    previously_invoiced_quantity: string;
    open_quantity: string;
  }[];
  issues: string[];
};

export type InwardInvoice = InwardInvoiceListItem & {
  supplier_peppol_id: string | null;
  buyer_trn: string | null;
  addressed_to_other_buyer: boolean;
  buyer_flag_reason: string | null;
  matched_at: string | null;
  status_reason: string | null;
  variance_approved_at: string | null;
  variance_approval_note: string | null;
  has_original_xml: boolean;
  notes: string | null;
  lines: InwardInvoiceLine[];
  events: InwardInvoiceEvent[];
  match: InvoiceMatch | null;
  /** Payments made so far, oldest first. */
  payments: InwardPayment[];
};

export type InwardPayment = {
  id: string;
  amount: string;
  paid_on: string;
  reference: string | null;
  recorded_at: string;
};

export type InwardInvoiceLineInput = {
  item_name: string;
  quantity: string;
  unit_price: string;
  vat_category: string;
  vat_rate: string;
};

/** POST /inward-invoices: a supplier invoice typed in; the API computes the amounts. */
export type InwardInvoiceInput = {
  supplier_id: string;
  invoice_number: string;
  issue_date: string;
  due_date: string | null;
  currency: string;
  /** The purchase order's number, as a supplier would quote it; the match looks it up. */
  order_reference: string | null;
  lines: InwardInvoiceLineInput[];
};

export type ValidationIssue = {
  rule_id: string;
  severity: string;
  layer: string;
  message: string;
  location: string | null;
  field: string | null;
};

export type UploadedInwardInvoice = InwardInvoice & {
  validation: { valid: boolean; errors: ValidationIssue[]; warnings: ValidationIssue[] };
};

export type AmountByCurrency = { currency: string; amount: string };

export type InboxSummary = {
  count: number;
  by_matching_status: {
    matching_status: MatchStatus;
    count: number;
    amounts: AmountByCurrency[];
  }[];
  by_status: { status: InwardStatus; count: number; amounts: AmountByCurrency[] }[];
};
