/** POST /api/tasks/bulk: the same change for many ids, each in its own transaction. */
import type { BulkBody } from "./schemas";

export interface BulkResult {
  id: string;
  ok: boolean;
  error?: { code: string; message: string };
}

/** The server takes at most this many ids a request; larger selections go in batches. */
export const BULK_BATCH = 1000;

export async function bulkUpdate(body: BulkBody): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (let i = 0; i < body.ids.length; i += BULK_BATCH) results.push(...(await bulkBatch({ ...body, ids: body.ids.slice(i, i + BULK_BATCH) })));
  return results;
}

async function bulkBatch(body: BulkBody): Promise<BulkResult[]> {
  const res = await fetch("/api/tasks/bulk", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), cache: "no-store" });
  const data = (await res.json().catch(() => null)) as { results?: BulkResult[]; error?: { message?: string } } | null;
  if (!res.ok || !data?.results) throw new Error(data?.error?.message ?? `${res.status} ${res.statusText}`);
  return data.results;
}
