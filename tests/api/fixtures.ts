/**
 * Test data made through the API itself (never behind the server's back), one fresh task per
 * need, in any status of SPEC §4.
 */
import { expect } from "vitest";
import type { Client } from "./http";

export type Status = "triage" | "todo" | "scheduled" | "ready" | "running" | "blocked" | "review" | "done" | "archived";

export interface Made {
  id: string;
  /** The open run when the task is running. */
  runId?: number;
  /** The parent that keeps a todo task waiting. */
  parentId?: string;
}

let n = 0;

export async function createTask(api: Client, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post("/api/tasks", { title: `task ${++n}`, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

/** A fresh task in `status`, made through the API. */
export async function taskIn(api: Client, status: Status, extra: Record<string, unknown> = {}): Promise<Made> {
  const ok = (r: { status: number; text: string }) => expect(r.status, r.text).toBeLessThan(300);
  switch (status) {
    case "triage":
      return { id: (await createTask(api, { triage: true, ...extra })).id };
    case "todo": {
      const parent = await createTask(api, { title: "parent" });
      const t = await createTask(api, { parents: [parent.id], ...extra });
      expect(t.status).toBe("todo");
      return { id: t.id, parentId: parent.id };
    }
    case "scheduled": {
      const t = await createTask(api, { scheduled_at: Math.floor(Date.now() / 1000) + 86_400, ...extra });
      expect(t.status).toBe("scheduled");
      return { id: t.id };
    }
    case "ready": {
      const t = await createTask(api, { assignee: "dev", ...extra });
      expect(t.status).toBe("ready");
      return { id: t.id };
    }
    case "running": {
      const t = await createTask(api, { assignee: "dev", ...extra });
      const c = await api.post(`/api/tasks/${t.id}/claim`, { lock_suffix: "remote" });
      ok(c);
      return { id: t.id, runId: c.json.run_id };
    }
    case "blocked": {
      const t = await createTask(api, extra);
      ok(await api.post(`/api/tasks/${t.id}/block`, { reason: "needs a human" }));
      return { id: t.id };
    }
    case "review": {
      const t = await createTask(api, extra);
      ok(await api.patch(`/api/tasks/${t.id}`, { status: "review" }));
      return { id: t.id };
    }
    case "done": {
      const t = await createTask(api, extra);
      ok(await api.post(`/api/tasks/${t.id}/complete`, { summary: "finished" }));
      return { id: t.id };
    }
    case "archived": {
      const t = await createTask(api, extra);
      ok(await api.post(`/api/tasks/${t.id}/archive`));
      return { id: t.id };
    }
  }
}

export async function statusOf(api: Client, id: string): Promise<string> {
  const r = await api.get(`/api/tasks/${id}`);
  expect(r.status, r.text).toBe(200);
  return r.json.task.status;
}

/** An id of the right shape that no task has. */
export const UNKNOWN_ID = "t_00000000";
