import { expect, test } from "@playwright/test";
import { card, column, createTask, drag, openBoard, uniq } from "./helpers";

test("bulk move: 2 of 3 move to Ready, the refused one is reported, stays selected and outlined", async ({ page, request }) => {
  const tenant = `bulk-${Date.now().toString(36)}`;
  const parent = await createTask(request, { title: uniq("Bulk parent"), tenant, triage: true });
  const one = await createTask(request, { title: uniq("Bulk one"), tenant, triage: true });
  const two = await createTask(request, { title: uniq("Bulk two"), tenant, triage: true });
  const child = await createTask(request, { title: uniq("Bulk child"), tenant, triage: true, parents: [parent.id] });
  await openBoard(page, `/?tenant=${tenant}`);
  const triage = column(page, "Triage");
  await expect(triage.getByRole("article")).toHaveCount(4);

  await card(triage, one.title).click({ modifiers: ["ControlOrMeta"] });
  await card(triage, two.title).click({ modifiers: ["ControlOrMeta"] });
  await card(triage, child.title).click({ modifiers: ["ControlOrMeta"] });
  const bar = page.getByRole("toolbar", { name: "Bulk actions" });
  await expect(bar).toContainText("3 selected");
  await expect(page).not.toHaveURL(/task=/);

  await bar.getByLabel("Move selected to").selectOption("ready");
  const ready = column(page, "Ready");
  await expect(card(ready, one.title)).toBeVisible();
  await expect(card(ready, two.title)).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: child.id })).toBeVisible();
  const refused = card(triage, child.title);
  await expect(refused).toHaveAttribute("data-failed", "1");
  await expect(refused).toHaveAttribute("data-selected", "1");
  await expect(bar).toContainText("1 selected");
  const status = async (id: string) => (await (await request.get(`/api/tasks/${id}`)).json()).task.status;
  expect(await status(one.id)).toBe("ready");
  expect(await status(child.id)).toBe("triage");
});

test("column select-all, Shift range, and dragging a selection moves all of it", async ({ page, request }) => {
  const tenant = `bulkdrag-${Date.now().toString(36)}`;
  const titles = [uniq("Sel A"), uniq("Sel B"), uniq("Sel C")];
  for (const title of titles) await createTask(request, { title, tenant });
  await openBoard(page, `/?tenant=${tenant}`);
  const ready = column(page, "Ready");
  await expect(ready.getByRole("article")).toHaveCount(3);
  const bar = page.getByRole("toolbar", { name: "Bulk actions" });

  await ready.getByRole("button", { name: "Select all in Ready" }).click();
  await expect(bar).toContainText("3 selected");
  await ready.getByRole("button", { name: "Deselect all in Ready" }).click();
  await expect(bar).toHaveCount(0);

  const cards = ready.getByRole("article");
  await cards.nth(0).click({ modifiers: ["ControlOrMeta"] });
  await cards.nth(2).click({ modifiers: ["Shift"] });
  await expect(bar).toContainText("3 selected");
  await cards.nth(1).click({ modifiers: ["ControlOrMeta"] });
  await expect(bar).toContainText("2 selected");
  const moving = await ready.locator("[data-selected]").evaluateAll((els) => els.map((e) => e.getAttribute("data-card-id")));

  await drag(page, ready.locator(`[data-card-id="${moving[0]}"]`), column(page, "Review"));
  for (const id of moving) await expect(column(page, "Review").locator(`[data-card-id="${id}"]`)).toBeVisible();
  await expect(ready.getByRole("article")).toHaveCount(1);
});
