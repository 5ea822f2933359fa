import { expect, test, type Locator, type Page } from "@playwright/test";
import { card, column, createTask, openBoard, uniq } from "./helpers";

interface Fields {
  title: string;
  reason?: string;
  summary?: string;
  assignee?: string;
  priority?: string;
  skills?: string;
  parents?: string;
  workspace?: string;
  startAt?: string;
}

async function inlineCreate(page: Page, name: string, f: Fields): Promise<Locator> {
  const col = column(page, name);
  await col.getByRole("button", { name: `Create task in ${name}` }).click();
  const form = col.getByRole("form", { name: `New task in ${name}` });
  if (f.assignee) await form.getByLabel("Assignee").fill(f.assignee);
  if (f.priority) await form.getByLabel("Priority").fill(f.priority);
  if (f.skills) await form.getByLabel("Skills").fill(f.skills);
  if (f.parents) await form.getByLabel("Parents").fill(f.parents);
  if (f.workspace) await form.getByLabel("Workspace").fill(f.workspace);
  if (f.startAt) await form.getByLabel("Start at").fill(f.startAt);
  if (f.reason) await form.getByLabel("Blocked reason").fill(f.reason);
  if (f.summary) await form.getByLabel("Completion summary").fill(f.summary);
  const title = form.getByRole("textbox", { name: /New task title/ });
  await title.fill(f.title);
  await title.press("Enter");
  return form;
}

async function taskByTitle(page: Page, title: string) {
  const all = (await (await page.request.get("/api/tasks?limit=100000&include_archived=1")).json()) as { id: string; title: string }[];
  const t = all.find((x) => x.title === title);
  return t ? (await (await page.request.get(`/api/tasks/${t.id}`)).json()).task : undefined;
}

test("inline create in every creatable column, with assignee suggestions, priority, tenant, skills, parents, workspace and start time", async ({ page, request }) => {
  const tenant = `create-${Date.now().toString(36)}`;
  const parent = await createTask(request, { title: uniq("Parent for create"), tenant });
  await openBoard(page, `/?tenant=${tenant}`);

  // Ready: every optional field; the assignee box suggests configured profiles.
  await column(page, "Ready").getByRole("button", { name: "Create task in Ready" }).click();
  const readyForm = column(page, "Ready").getByRole("form", { name: "New task in Ready" });
  const listId = await readyForm.getByLabel("Assignee").getAttribute("list");
  await expect(page.locator(`datalist[id="${listId}"] option[value="e2e-worker"]`)).toHaveCount(1);
  await expect(readyForm.getByLabel("Tenant")).toHaveValue(tenant); // the filtered tenant is the default
  await readyForm.getByLabel("Assignee").fill("reviewer-bot");
  await readyForm.getByLabel("Priority").fill("7");
  await readyForm.getByLabel("Skills").fill("git, rust");
  await readyForm.getByLabel("Workspace").fill("worktree");
  const readyTitle = uniq("Inline ready");
  await readyForm.getByRole("textbox", { name: /New task title/ }).fill(readyTitle);
  await page.screenshot({ path: "e2e/screenshots/inline-create.png" });
  await readyForm.getByRole("textbox", { name: /New task title/ }).press("Enter");
  const readyCard = card(column(page, "Ready"), readyTitle);
  await expect(readyCard).toBeVisible();
  for (const text of ["@reviewer-bot", "P7", "git", "rust", tenant]) await expect(readyCard).toContainText(text);
  const r = await taskByTitle(page, readyTitle);
  expect(r).toMatchObject({ status: "ready", assignee: "reviewer-bot", priority: 7, tenant, skills: ["git", "rust"], workspace_kind: "worktree" });
  // The form stays open for the next task; Esc closes it.
  await expect(readyForm.getByRole("textbox", { name: /New task title/ })).toHaveValue("");
  await readyForm.getByRole("textbox", { name: /New task title/ }).press("Escape");
  await expect(readyForm).toHaveCount(0);

  // Triage makes a triage task.
  const triageTitle = uniq("Inline triage");
  await (await inlineCreate(page, "Triage", { title: triageTitle })).press("Escape");
  await expect(card(column(page, "Triage"), triageTitle)).toBeVisible();
  expect((await taskByTitle(page, triageTitle)).status).toBe("triage");

  // Todo with an unfinished parent waits on it.
  const todoTitle = uniq("Inline todo");
  await (await inlineCreate(page, "Todo", { title: todoTitle, parents: parent.id })).press("Escape");
  const todoCard = card(column(page, "Todo"), todoTitle);
  await expect(todoCard).toBeVisible();
  await expect(todoCard).toContainText(`waiting on ${parent.id}`);

  // Review starts in review in one write.
  const reviewTitle = uniq("Inline review");
  await (await inlineCreate(page, "Review", { title: reviewTitle })).press("Escape");
  await expect(card(column(page, "Review"), reviewTitle)).toBeVisible();
  expect((await taskByTitle(page, reviewTitle)).status).toBe("review");

  // Scheduled needs a start time.
  const schedTitle = uniq("Inline scheduled");
  const future = new Date(Date.now() + 3 * 86400_000);
  const local = new Date(future.getTime() - future.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await (await inlineCreate(page, "Scheduled", { title: schedTitle, startAt: local })).press("Escape");
  await expect(card(column(page, "Scheduled"), schedTitle)).toBeVisible();
  const s = await taskByTitle(page, schedTitle);
  expect(s.status).toBe("scheduled");
  expect(Math.abs(s.scheduled_at - Math.floor(future.getTime() / 1000))).toBeLessThan(61);

  // Blocked takes its reason, Done its summary — each in the same write as the create.
  const blockedTitle = uniq("Inline blocked");
  await (await inlineCreate(page, "Blocked", { title: blockedTitle, reason: "waiting for the vendor" })).press("Escape");
  await expect(card(column(page, "Blocked"), blockedTitle).getByTestId("block-reason")).toHaveText("waiting for the vendor");
  expect((await taskByTitle(page, blockedTitle)).status).toBe("blocked");
  const doneTitle = uniq("Inline done");
  await (await inlineCreate(page, "Done", { title: doneTitle, summary: "shipped last week" })).press("Escape");
  await expect(card(column(page, "Done"), doneTitle)).toBeVisible();
  expect((await taskByTitle(page, doneTitle)).status).toBe("done");
  // Without the reason nothing is sent and the form says why.
  const noReason = await inlineCreate(page, "Blocked", { title: uniq("Inline blocked no reason") });
  await expect(noReason.getByRole("alert")).toHaveText("Say why it is blocked.");
  await noReason.press("Escape");
  await expect(column(page, "In progress").getByRole("button", { name: /Create task/ })).toHaveCount(0);

  // An unknown parent is refused inline and nothing is created.
  const badTitle = uniq("Inline bad parent");
  const form = await inlineCreate(page, "Todo", { title: badTitle, parents: "t_nope0000" });
  await expect(form.getByRole("alert")).toContainText("unknown parent task: t_nope0000");
  await expect(form.getByRole("textbox", { name: /New task title/ })).toHaveValue(badTitle);
  expect(await taskByTitle(page, badTitle)).toBeUndefined();
});
