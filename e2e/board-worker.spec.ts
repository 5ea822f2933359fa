import { expect, test } from "@playwright/test";
import { card, column, createTask, openBoard, uniq } from "./helpers";

// The e2e server's config.yaml (e2e/setup-home.mjs) has a profile `e2e-worker` running
// examples/workers/complete.mjs with WORK_MS=5000 and max_in_progress 1: the dispatcher inside the
// server starts a real process for this task.
test("a task run by a real worker shows vital signs, running/cap in its lane, the live log and its run", async ({ page, request }) => {
  test.setTimeout(60_000);
  const tenant = `worker-${Date.now().toString(36)}`;
  const t = await createTask(request, { title: uniq("Real worker"), assignee: "e2e-worker", tenant });
  await openBoard(page, `/?tenant=${tenant}`);

  // Running: the card sits in In progress with its vital signs and the worker's heartbeat note.
  const running = card(column(page, "In progress"), t.title);
  await expect(running).toBeVisible({ timeout: 15_000 });
  const vitals = running.getByTestId("vitals");
  await expect(vitals).toContainText("attempt 1/");
  await expect(vitals).toContainText(/reading the brief|half way/);
  await expect(vitals.locator("[data-level]")).toHaveAttribute("data-level", "ok");

  // Swimlanes: the profile's lane counts the run against the profile's cap.
  await page.getByRole("checkbox", { name: "Swimlanes" }).check();
  await expect(page.getByRole("group", { name: "Lane e2e-worker" }).getByTestId("lane-running")).toHaveText("1/1 running");
  await page.getByRole("checkbox", { name: "Swimlanes" }).uncheck();

  // The drawer tails the worker's own output while it runs.
  await card(page, t.title).click();
  const drawer = page.getByRole("dialog", { name: `Task ${t.title}` });
  await expect(drawer.getByTestId("worker-log")).toContainText(`starting on ${t.id}`);

  // The worker completes by itself: the run closes with its summary and metadata.
  const run = drawer.getByRole("region", { name: "Runs" }).getByTestId("run");
  await expect(run.getByTestId("run-outcome")).toHaveText("completed", { timeout: 20_000 });
  await expect(run.getByTestId("run-summary")).toContainText("done by worker");
  await expect(run.getByTestId("run-metadata")).toContainText("pid");
  await expect(drawer.getByTestId("worker-log")).toContainText("completed");
  await page.keyboard.press("Escape");
  await expect(card(column(page, "Done"), t.title)).toBeVisible();
});
