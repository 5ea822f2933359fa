import { expect, test } from "@playwright/test";
import { createTask, openBoard, uniq } from "./helpers";

test("tenant, skills, limits and schedule save and survive a reload; bad input is shown inline", async ({ page, request }) => {
  const t = await createTask(request, { title: uniq("Fields"), skills: ["python"] });
  const tenant = uniq("acme").replace(/\s/g, "-");
  await openBoard(page, `/?task=${t.id}`);
  const details = page.getByRole("dialog", { name: `Task ${t.title}` }).getByRole("region", { name: "Details" });

  await details.getByLabel("Tenant").fill(tenant);
  await details.getByLabel("Tenant").press("Enter");
  const skill = details.getByLabel("Add skill");
  await skill.fill("rust");
  await skill.press("Enter");
  await expect(details.getByTestId("skill-chip")).toHaveText(["python×", "rust×"]);
  await details.getByRole("button", { name: "Remove skill python" }).click();
  await expect(details.getByTestId("skill-chip")).toHaveText(["rust×"]);
  await details.getByLabel("Max retries").fill("4");
  await details.getByLabel("Max retries").press("Enter");
  await details.getByLabel("Max runtime").fill("nonsense");
  await details.getByLabel("Max runtime").press("Enter");
  await expect(details.getByTestId("error-runtime")).toContainText("not a duration");
  await details.getByLabel("Max runtime").fill("1h30m");
  await details.getByLabel("Max runtime").press("Enter");
  await expect(details.getByTestId("error-runtime")).toHaveCount(0);
  await details.getByLabel("Scheduled at").fill("2031-02-03T04:05");
  await details.getByLabel("Scheduled at").press("Enter");

  const expected = Math.floor(new Date("2031-02-03T04:05").getTime() / 1000);
  await expect
    .poll(async () => {
      const { task } = (await (await request.get(`/api/tasks/${t.id}`)).json()) as { task: Record<string, unknown> };
      return [task.tenant, task.skills, task.max_retries, task.max_runtime_seconds, task.scheduled_at];
    })
    .toEqual([tenant, ["rust"], 4, 5400, expected]);

  await page.reload();
  await expect(details.getByLabel("Tenant")).toHaveValue(tenant);
  await expect(details.getByTestId("skill-chip")).toHaveText(["rust×"]);
  await expect(details.getByLabel("Max retries")).toHaveValue("4");
  await expect(details.getByLabel("Max runtime")).toHaveValue("1h30m");
  await expect(details.getByLabel("Scheduled at")).toHaveValue("2031-02-03T04:05");
  await expect(details.getByLabel("Workspace", { exact: true })).toHaveValue("scratch");

  // A value the server refuses (max_retries must be ≥ 1) shows its message under the field.
  await details.getByLabel("Max retries").fill("0");
  await details.getByLabel("Max retries").press("Enter");
  await expect(details.getByTestId("error-retries")).toBeVisible();
});

test("workspace: edit to a worktree with a branch, a relative dir is refused inline, a running task's is locked", async ({ page, request }) => {
  const t = await createTask(request, { title: uniq("Workspace edit") });
  await openBoard(page, `/?task=${t.id}`);
  const details = page.getByRole("dialog", { name: `Task ${t.title}` }).getByRole("region", { name: "Details" });
  const ws = details.getByLabel("Workspace", { exact: true });
  await expect(ws).toHaveValue("scratch");
  // The drawer's assignee field suggests the configured profiles too.
  await expect(page.locator('datalist#drawer-assignees option[value="e2e-worker"]')).toHaveCount(1);

  await ws.fill("dir:relative/path");
  await ws.press("Enter");
  await expect(details.getByTestId("error-workspace")).toContainText("must be absolute");

  await ws.fill("worktree:/srv/repo");
  await ws.press("Enter");
  await expect(details.getByTestId("error-workspace")).toHaveCount(0);
  await details.getByLabel("Branch").fill("feat/login");
  await details.getByLabel("Branch").press("Enter");
  await expect
    .poll(async () => {
      const { task } = (await (await request.get(`/api/tasks/${t.id}`)).json()) as { task: Record<string, unknown> };
      return [task.workspace_kind, task.workspace_path, task.branch_name];
    })
    .toEqual(["worktree", "/srv/repo", "feat/login"]);
  await page.reload();
  await expect(ws).toHaveValue("worktree:/srv/repo");
  await expect(details.getByLabel("Branch")).toHaveValue("feat/login");

  // Once a worker has claimed it, the workspace it is working in cannot change under it.
  expect((await request.post(`/api/tasks/${t.id}/claim`, { data: {} })).status()).toBe(200);
  await page.reload();
  await ws.fill("scratch");
  await ws.press("Enter");
  await expect(details.getByTestId("error-workspace")).toContainText("while it runs");
  expect(((await (await request.get(`/api/tasks/${t.id}`)).json()) as { task: { workspace_kind: string } }).task.workspace_kind).toBe("worktree");
});

test("description has Edit / Preview tabs", async ({ page, request }) => {
  const t = await createTask(request, { title: uniq("Body") });
  await openBoard(page, `/?task=${t.id}`);
  const desc = page.getByRole("dialog", { name: `Task ${t.title}` }).getByRole("region", { name: "Description" });
  await desc.getByRole("button", { name: "Edit" }).click();
  await desc.getByLabel("Description (markdown)").fill("Hello **world**");
  await desc.getByRole("button", { name: "Preview" }).click();
  await expect(desc.getByTestId("body-preview").locator("strong")).toHaveText("world");
  await desc.getByRole("button", { name: "Save" }).click();
  await expect(desc.locator("strong")).toHaveText("world");
  await page.reload();
  await expect(desc.locator("strong")).toHaveText("world");
});

test("GFM tables and task lists render in the description and in comments", async ({ page, request }) => {
  const body = ["| col a | col b |", "| --- | --- |", "| 1 | 2 |", "", "- [x] done step", "- [ ] open step"].join("\n");
  const t = await createTask(request, { title: uniq("GFM"), body });
  await request.post(`/api/tasks/${t.id}/comments`, { data: { body: "first ~~old~~ comment" } });
  await request.post(`/api/tasks/${t.id}/comments`, { data: { body: "| k | v |\n| - | - |\n| x | y |" } });
  await openBoard(page, `/?task=${t.id}`);
  const drawer = page.getByRole("dialog", { name: `Task ${t.title}` });
  const desc = drawer.getByRole("region", { name: "Description" });
  await expect(desc.locator("table th")).toHaveText(["col a", "col b"]);
  await expect(desc.locator("table td")).toHaveText(["1", "2"]);
  await expect(desc.locator('input[type="checkbox"]')).toHaveCount(2);
  await expect(desc.locator('input[type="checkbox"]').first()).toBeChecked();
  const comments = drawer.getByTestId("comment");
  await expect(comments.first().locator("del")).toHaveText("old");
  await expect(comments.last().locator("table td")).toHaveText(["x", "y"]);
});
