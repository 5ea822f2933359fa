import { expect, test } from "@playwright/test";
import { card, cli, column, createTask, drag, openBoard, uniq } from "./helpers";

// Each test works in its own tenant view: the shared e2e board grows with every test, and columns
// are windowed, so an unfiltered view would not mount a card far down a long column.
const tenantView = (name: string) => {
  const tenant = `${name}-${Date.now().toString(36)}`;
  return { tenant, url: `/?tenant=${tenant}` };
};

test("a task created through the API shows in its column with its chips", async ({ page, request }) => {
  const title = uniq("API card");
  const v = tenantView("chips");
  const t = await createTask(request, { title, priority: 3, tenant: v.tenant, skills: ["rust"] });
  await openBoard(page, v.url);
  const c = card(column(page, "Ready"), title);
  await expect(c).toBeVisible();
  await expect(c).toContainText(t.id);
  await expect(c).toContainText("P3");
  await expect(c).toContainText(v.tenant);
  await expect(c).toContainText("needs assignee");
  await expect(column(page, "Ready").getByTestId("column-count")).toHaveText(/^\d+$/);
});

test("a change by the CLI in another process shows without reload", async ({ page, request }) => {
  const title = uniq("CLI moved");
  const v = tenantView("cli");
  const t = await createTask(request, { title, tenant: v.tenant });
  await openBoard(page, v.url);
  await expect(card(column(page, "Ready"), title)).toBeVisible();
  await cli("edit", t.id, "--status", "review");
  await expect(card(column(page, "Review"), title)).toBeVisible();
  await expect(card(column(page, "Ready"), title)).toHaveCount(0);
  await cli("edit", t.id, "--title", `${title} renamed`);
  await expect(card(page, `${title} renamed`)).toBeVisible();
});

test("drag ready → blocked asks for a reason and persists", async ({ page, request }) => {
  const title = uniq("Drag me");
  const v = tenantView("drag");
  const t = await createTask(request, { title, tenant: v.tenant });
  await openBoard(page, v.url);
  await drag(page, card(column(page, "Ready"), title), column(page, "Blocked"));
  const dialog = page.getByRole("dialog", { name: /Block/ });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Why is it blocked?").fill("waiting for the API key");
  await dialog.getByRole("button", { name: "Block" }).click();
  const moved = card(column(page, "Blocked"), title);
  await expect(moved).toBeVisible();
  await expect(moved.getByTestId("block-reason")).toHaveText("waiting for the API key");
  await expect.poll(async () => (await (await request.get(`/api/tasks/${t.id}`)).json()).task.status).toBe("blocked");
});

test("a refused move rolls back and shows the server's reason", async ({ page, request }) => {
  const v = tenantView("refused");
  const parent = await createTask(request, { title: uniq("Parent"), tenant: v.tenant });
  const childTitle = uniq("Child");
  const child = await createTask(request, { title: childTitle, parents: [parent.id], triage: true, tenant: v.tenant });
  await openBoard(page, v.url);
  await drag(page, card(column(page, "Triage"), childTitle), column(page, "Ready"));
  await expect(page.getByRole("alert").filter({ hasText: parent.id })).toBeVisible();
  await expect(card(column(page, "Triage"), childTitle)).toBeVisible();
  await expect(card(column(page, "Ready"), childTitle)).toHaveCount(0);
  expect((await (await request.get(`/api/tasks/${child.id}`)).json()).task.status).toBe("triage");
});

test("In progress is not a drop target and says why", async ({ page, request }) => {
  const title = uniq("No run");
  const v = tenantView("norun");
  await createTask(request, { title, tenant: v.tenant });
  await openBoard(page, v.url);
  await drag(page, card(column(page, "Ready"), title), column(page, "In progress"));
  await expect(page.getByRole("alert").filter({ hasText: "not a drop target" })).toBeVisible();
  await expect(card(column(page, "Ready"), title)).toBeVisible();
});

test("inline create: Enter creates, Esc cancels; Triage makes a triage task", async ({ page, request }) => {
  await openBoard(page, tenantView("inline").url);
  const triage = column(page, "Triage");
  await triage.getByRole("button", { name: "Create task in Triage" }).click();
  const input = triage.getByRole("textbox", { name: /New task title/ });
  const title = uniq("Inline idea");
  await input.fill(title);
  await input.press("Enter");
  await expect(card(triage, title)).toBeVisible();
  const list = (await (await request.get("/api/tasks?limit=1000&sort=created")).json()) as { title: string; status: string }[];
  expect(list.find((t) => t.title === title)?.status).toBe("triage");
  await input.press("Escape");
  await expect(triage.getByRole("textbox", { name: /New task title/ })).toHaveCount(0);
});

test("two browser contexts see each other's moves", async ({ browser, request }) => {
  const title = uniq("Shared");
  const v = tenantView("shared");
  await createTask(request, { title, tenant: v.tenant });
  const [a, b] = [await browser.newContext(), await browser.newContext()];
  const pa = await a.newPage();
  const pb = await b.newPage();
  await openBoard(pa, v.url);
  await openBoard(pb, v.url);
  await drag(pa, card(column(pa, "Ready"), title), column(pa, "Review"));
  await expect(card(column(pa, "Review"), title)).toBeVisible();
  await expect(card(column(pb, "Review"), title)).toBeVisible();
  await a.close();
  await b.close();
});
