import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type {
  GoodsReceipt,
  GoodsReceiptInput,
  Page,
  PurchaseOrder,
  PurchaseOrderInput,
  PurchaseOrderListItem,
  PurchaseOrderStatus,
} from './types';

export type PurchaseOrderQuery = {
  status?: PurchaseOrderStatus;
  q?: string;
  supplierId?: string;
  page: number;
  pageSize: number;
};

/** GET /purchase-orders: filtered by status, number and supplier, paged. */
export const listPurchaseOrders = ({ status, q, supplierId, page, pageSize }: PurchaseOrderQuery) =>
  api<Page<PurchaseOrderListItem>>('/purchase-orders', {
    params: {
      status,
      q: q?.trim() || undefined,
      supplier_id: supplierId,
      page,
      page_size: pageSize,
    },
  });

export function usePurchaseOrders(query: PurchaseOrderQuery, enabled = true) {
  return useQuery({
    queryKey: ['purchase-orders', 'list', query],
    queryFn: () => listPurchaseOrders(query),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export const getPurchaseOrder = (id: string) =>
  api<PurchaseOrder>(`/purchase-orders/${encodeURIComponent(id)}`);

export function usePurchaseOrder(id: string) {
  return useQuery({
    queryKey: ['purchase-orders', 'detail', id],
    queryFn: () => getPurchaseOrder(id),
    staleTime: 0,
  });
}

/** POST /purchase-orders: a DRAFT with its lines. */
export const createPurchaseOrder = (input: PurchaseOrderInput) =>
  api<PurchaseOrder>('/purchase-orders', { method: 'POST', json: input });

export function useCreatePurchaseOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createPurchaseOrder,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['purchase-orders'] }),
  });
}

/** POST /purchase-orders/{id}/send: e-mails the order to the supplier (DRAFT -> SENT). */
export const sendPurchaseOrder = (id: string) =>
  api<PurchaseOrder>(`/purchase-orders/${encodeURIComponent(id)}/send`, { method: 'POST' });

export function useSendPurchaseOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: sendPurchaseOrder,
    onSuccess: (order) => {
      queryClient.setQueryData(['purchase-orders', 'detail', order.id], order);
      return queryClient.invalidateQueries({ queryKey: ['purchase-orders', 'list'] });
    },
  });
}

/** GET /goods-receipts?purchase_order_id=: the deliveries booked against one order. */
export const listGoodsReceipts = (orderId: string) =>
  api<Page<GoodsReceipt>>('/goods-receipts', {
    params: { purchase_order_id: orderId, page_size: 200 },
  });

export function useGoodsReceipts(orderId: string) {
  return useQuery({
    queryKey: ['purchase-orders', 'receipts', orderId],
    queryFn: () => listGoodsReceipts(orderId),
    staleTime: 0,
  });
}

/** POST /goods-receipts: a delivery, possibly partial; more than ordered is refused (422). */
export const createGoodsReceipt = (input: GoodsReceiptInput) =>
  api<GoodsReceipt>('/goods-receipts', { method: 'POST', json: input });

export function useCreateGoodsReceipt() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createGoodsReceipt,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['purchase-orders'] }),
  });
}
