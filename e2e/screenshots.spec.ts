import { expect, test } from "@playwright/test";
import { card, column, createTask, openBoard, uniq } from "./helpers";

test("screenshots: light board, dark board with a running card, drawer", async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 800 });
  const parent = await createTask(request, { title: uniq("Design the schema"), assignee: "architect", priority: 2, tenant: "acme", skills: ["sql"] });
  await createTask(request, { title: uniq("Write the migration"), parents: [parent.id], tenant: "acme" });
  const running = await createTask(request, { title: uniq("Train the model"), assignee: "trainer", skills: ["gpu"], max_runtime_seconds: 3600 });
  const claim = await request.post(`/api/tasks/${running.id}/claim`, { data: {} });
  expect(claim.ok(), await claim.text()).toBe(true);
  const { run_id } = (await claim.json()) as { run_id: number };
  await request.post(`/api/tasks/${running.id}/heartbeat`, { data: { run_id, note: "epoch 3/10" } });
  await createTask(request, { title: uniq("Idea: dark mode"), triage: true });
  await openBoard(page);
  const runningCard = card(column(page, "In progress"), "Train the model").first();
  await expect(runningCard.getByTestId("vitals")).toContainText("attempt 1/");
  await expect(runningCard.getByTestId("vitals")).toContainText("epoch 3/10");
  await page.screenshot({ path: "e2e/screenshots/board-light.png" });

  await page.getByTestId("theme-toggle").click(); // system → light
  await page.getByTestId("theme-toggle").click(); // light → dark
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await page.screenshot({ path: "e2e/screenshots/board-dark.png" });

  await runningCard.click();
  await expect(page.getByRole("dialog", { name: /Task Train the model/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Runs" })).toContainText("#");
  await page.screenshot({ path: "e2e/screenshots/drawer-dark.png" });
});
