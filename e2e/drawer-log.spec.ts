import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createTask, openBoard, uniq } from "./helpers";

const LOGS = path.resolve(".tmp/e2e-home/logs");

test("the worker log shows the log file and tails it while the task runs; the context brief expands", async ({ page, request }) => {
  const t = await createTask(request, { title: uniq("Logged"), body: "Brief body text" });
  fs.mkdirSync(LOGS, { recursive: true });
  const file = path.join(LOGS, `${t.id}.log`);
  fs.writeFileSync(file, "first line from the worker\n");

  await openBoard(page, `/?task=${t.id}`);
  const drawer = page.getByRole("dialog", { name: `Task ${t.title}` });
  const log = drawer.getByRole("region", { name: "Worker log" });
  await expect(log.getByTestId("worker-log")).toContainText("first line from the worker");

  const ctx = drawer.getByRole("region", { name: "Worker context" });
  await ctx.getByText("Worker context brief").click();
  await expect(ctx.getByTestId("context-brief")).toContainText(t.title);

  expect((await request.post(`/api/tasks/${t.id}/claim`, { data: {} })).status()).toBe(200);
  await expect(log.getByTestId("log-live")).toBeVisible();
  fs.appendFileSync(file, "second line, appended while running\n");
  await expect(log.getByTestId("worker-log")).toContainText("second line, appended while running");
});
