import { expect, test } from "@playwright/test";
import { card, createTask, drag, openBoard, uniq } from "./helpers";

test("swimlanes by assignee: lanes with their cards, remembered, drag within a lane", async ({ page, request }) => {
  const s = Date.now().toString(36);
  const tenant = `lanes-${s}`;
  const [alice, bob] = [`alice-${s}`, `bob-${s}`];
  const a = await createTask(request, { title: uniq("Alice task"), tenant, assignee: alice });
  const b = await createTask(request, { title: uniq("Bob task"), tenant, assignee: bob });
  const n = await createTask(request, { title: uniq("Nobody task"), tenant });
  await openBoard(page, `/?tenant=${tenant}`);
  await page.getByRole("checkbox", { name: "Swimlanes" }).check();

  const laneA = page.getByRole("group", { name: `Lane ${alice}` });
  const laneB = page.getByRole("group", { name: `Lane ${bob}` });
  const laneN = page.getByRole("group", { name: "Lane Unassigned" });
  await expect(card(laneA.getByRole("region", { name: "Ready", exact: true }), a.title)).toBeVisible();
  await expect(card(laneB, b.title)).toBeVisible();
  await expect(card(laneN, n.title)).toBeVisible();
  await expect(card(laneA, b.title)).toHaveCount(0);
  await expect(laneA.getByTestId("lane-count")).toHaveText("1");

  await page.reload();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(card(laneB, b.title)).toBeVisible();

  await drag(page, card(laneB, b.title), laneB.getByRole("region", { name: "Review", exact: true }));
  await expect(card(laneB.getByRole("region", { name: "Review", exact: true }), b.title)).toBeVisible();
  await expect.poll(async () => (await (await request.get(`/api/tasks/${b.id}`)).json()).task.status).toBe("review");

  // A drop into another lane reassigns to that lane's assignee (and moves, in one PATCH).
  await drag(page, card(laneA, a.title), laneB.getByRole("region", { name: "Review", exact: true }));
  await expect(card(laneB.getByRole("region", { name: "Review", exact: true }), a.title)).toBeVisible();
  await expect(card(laneA, a.title)).toHaveCount(0);
  await expect.poll(async () => (await (await request.get(`/api/tasks/${a.id}`)).json()).task).toMatchObject({ assignee: bob, status: "review" });
  // Into the Unassigned lane: unassigns.
  await drag(page, card(laneB, b.title), laneN.getByRole("region", { name: "Review", exact: true }));
  await expect.poll(async () => (await (await request.get(`/api/tasks/${b.id}`)).json()).task.assignee).toBeNull();

  // + in a lane starts with the lane's assignee; the new card lands in that lane.
  const laneReady = laneB.getByRole("region", { name: "Ready", exact: true });
  await laneReady.getByRole("button", { name: "Create task in Ready" }).click();
  const form = laneReady.getByRole("form", { name: "New task in Ready" });
  await expect(form.getByLabel("Assignee")).toHaveValue(bob);
  const laneTitle = uniq("Lane created");
  await form.getByRole("textbox", { name: /New task title/ }).fill(laneTitle);
  await form.getByRole("textbox", { name: /New task title/ }).press("Enter");
  await expect(card(laneReady, laneTitle)).toBeVisible();
  await form.getByRole("textbox", { name: /New task title/ }).press("Escape");

  await page.screenshot({ path: "e2e/screenshots/swimlanes.png" });
  await page.getByRole("checkbox", { name: "Swimlanes" }).uncheck();
  await expect(laneA).toHaveCount(0);
});
