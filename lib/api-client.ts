/** Browser-side calls to the REST API (docs/api.md). Errors carry the server's message. */
import type { BoardCard, BoardData, BoardFilters, Task, TaskDetail } from "./board-types";
import type { CreateTaskBody, PatchTaskBody } from "./schemas";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? "GET",
    headers: init?.body !== undefined ? { "content-type": "application/json" } : undefined,
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: init?.signal,
    cache: "no-store",
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? "http_error", err?.message ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

export function boardQueryString(f: BoardFilters): string {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set("q", f.q.trim());
  if (f.tenant) p.set("tenant", f.tenant);
  if (f.assignee) p.set("assignee", f.assignee);
  if (f.archived) p.set("include_archived", "1");
  const s = p.toString();
  return s ? `?${s}` : "";
}

export const api = {
  board: (f: BoardFilters, signal?: AbortSignal) => call<BoardData>(`/api/board${boardQueryString(f)}`, { signal }),
  /** Board cards by id (plus their parents) under the view's filters; `missing` left the view. */
  cards: (ids: string[], f: BoardFilters) => {
    const qs = boardQueryString(f);
    return call<{ cards: BoardCard[]; missing: string[]; latest_event_id: number; now: number }>(
      `/api/board?ids=${ids.map(encodeURIComponent).join(",")}${qs ? "&" + qs.slice(1) : ""}`,
    );
  },
  tasks: (ids: string[]) =>
    call<Task[]>(`/api/tasks?ids=${ids.map(encodeURIComponent).join(",")}&include_archived=1`),
  detail: (id: string) => call<TaskDetail>(`/api/tasks/${encodeURIComponent(id)}`),
  create: (body: CreateTaskBody) => call<Task>("/api/tasks", { method: "POST", body }),
  patch: (id: string, body: PatchTaskBody) => call<Task>(`/api/tasks/${encodeURIComponent(id)}`, { method: "PATCH", body }),
  comment: (id: string, body: string) => call<unknown>(`/api/tasks/${encodeURIComponent(id)}/comments`, { method: "POST", body: { body, author: "web" } }),
  remove: (id: string) => call<unknown>(`/api/tasks/${encodeURIComponent(id)}`, { method: "DELETE" }),
  action: (id: string, action: "unblock" | "archive") => call<unknown>(`/api/tasks/${encodeURIComponent(id)}/${action}`, { method: "POST" }),
  log: (id: string) =>
    call<{ exists: boolean; size: number; truncated: boolean; text: string }>(`/api/tasks/${encodeURIComponent(id)}/log?tail=200`),
  logTail: (id: string, tail = 500, signal?: AbortSignal) =>
    call<{ exists: boolean; size: number; truncated: boolean; text: string }>(`/api/tasks/${encodeURIComponent(id)}/log?tail=${tail}`, { signal }),
  context: (id: string) => call<{ task_id: string; markdown: string }>(`/api/tasks/${encodeURIComponent(id)}/context`),
  reclaim: (id: string, reason?: string) =>
    call<unknown>(`/api/tasks/${encodeURIComponent(id)}/reclaim`, { method: "POST", body: reason ? { reason } : {} }),
  link: (parentId: string, childId: string) =>
    call<{ linked: boolean }>("/api/links", { method: "POST", body: { parent_id: parentId, child_id: childId } }),
  unlink: (parentId: string, childId: string) =>
    call<{ linked: boolean }>(`/api/links?parent_id=${encodeURIComponent(parentId)}&child_id=${encodeURIComponent(childId)}`, { method: "DELETE" }),
  /** Cards matching a search (id, title, body, assignee, tenant), archived included. */
  search: async (q: string, signal?: AbortSignal) => {
    const b = await call<BoardData>(`/api/board${boardQueryString({ q, tenant: "", assignee: "", archived: true, status: [] })}`, { signal });
    return b.columns.flatMap((c) => c.cards);
  },
};

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
