/**
 * linkTasks / unlinkTasks (SPEC §4.1).
 * link: the child depends on the parent. Rejects self-links, unknown ids and cycles (the message
 * names the cycle); idempotent; a ready child of an undone parent drops to todo.
 * Events: `linked {parent, child}` on the child (plus `status` when it drops to todo).
 * unlink: removes the edge and re-promotes the child. Events: `unlinked` (+ `promoted`).
 */
import type { KernelContext } from "./context";
import { conflict, validation } from "./errors";
import { emit, requireTask, promoteIfReady, getTaskRow } from "./internal";

/** Finds a path child → … → parent along parent edges' reverse (child's descendants). */
function findPath(k: KernelContext, from: string, to: string): string[] | null {
  // BFS over "children of" edges: if `to` is reachable from `from`, linking to→from closes a cycle.
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  const children = k.stmt("SELECT child_id AS id FROM task_links WHERE parent_id = ?");
  while (queue.length) {
    const cur = queue.shift()!;
    if (cur === to) {
      const path = [cur];
      let p = cur;
      while (prev.has(p)) {
        p = prev.get(p)!;
        path.unshift(p);
      }
      return path;
    }
    for (const { id } of children.all(cur) as { id: string }[]) {
      if (seen.has(id)) continue;
      seen.add(id);
      prev.set(id, cur);
      queue.push(id);
    }
  }
  return null;
}

export interface LinkResult {
  linked: boolean;
  parent_id: string;
  child_id: string;
}

export function linkTasks(k: KernelContext, parentId: string, childId: string): LinkResult {
  if (parentId === childId) throw validation(`a task cannot depend on itself (${parentId})`);
  return k.tx(() => {
    requireTask(k, parentId);
    const child = requireTask(k, childId);
    const exists = k.stmt("SELECT 1 FROM task_links WHERE parent_id = ? AND child_id = ?").get(parentId, childId);
    if (exists) return { linked: false, parent_id: parentId, child_id: childId };
    // parent → child closes a cycle when parent is already a descendant of child.
    const path = findPath(k, childId, parentId);
    if (path) {
      const cycle = [...path, childId];
      throw conflict(`linking ${parentId} → ${childId} would create a cycle: ${cycle.join(" → ")}`, { cycle });
    }
    k.stmt("INSERT INTO task_links (parent_id, child_id) VALUES (?, ?)").run(parentId, childId);
    emit(k, childId, "linked", { parent: parentId, child: childId });
    const parent = getTaskRow(k, parentId)!;
    const parentDone = parent.status === "done" || parent.status === "archived";
    if (!parentDone && child.status === "ready") {
      k.stmt("UPDATE tasks SET status = 'todo' WHERE id = ?").run(childId);
      emit(k, childId, "status", { status: "todo", reason: `waiting on parent ${parentId}` });
    } else if (parentDone) {
      // A sticky dependency wait that gains a done parent has something to wait on now.
      promoteIfReady(k, getTaskRow(k, childId)!);
    }
    return { linked: true, parent_id: parentId, child_id: childId };
  });
}

export function unlinkTasks(k: KernelContext, parentId: string, childId: string): LinkResult {
  return k.tx(() => {
    const r = k.stmt("DELETE FROM task_links WHERE parent_id = ? AND child_id = ?").run(parentId, childId);
    if (r.changes === 0) {
      requireTask(k, parentId);
      requireTask(k, childId);
      return { linked: false, parent_id: parentId, child_id: childId };
    }
    const child = getTaskRow(k, childId);
    if (child) {
      emit(k, childId, "unlinked", { parent: parentId, child: childId });
      promoteIfReady(k, child);
    }
    return { linked: false, parent_id: parentId, child_id: childId };
  });
}
