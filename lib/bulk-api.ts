/** POST /api/tasks/bulk: the same change for many ids, each in its own transaction. */
import type { BulkBody } from "./schemas";

export interface BulkResult {
  id: string;
  ok: boolean;
  error?: { code: string; message: string };
}

export async function bulkUpdate(body: BulkBody): Promise<BulkResult[]> {
  const res = await fetch("/api/tasks/bulk", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), cache: "no-store" });
  const data = (await res.json().catch(() => null)) as { results?: BulkResult[]; error?: { message?: string } } | null;
  if (!res.ok || !data?.results) throw new Error(data?.error?.message ?? `${res.status} ${res.statusText}`);
  return data.results;
}
