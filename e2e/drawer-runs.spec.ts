import { expect, test } from "@playwright/test";
import { createTask, openBoard, uniq } from "./helpers";

test("run history shows a completed run's summary and metadata tree; Reclaim ends a running one", async ({ page, request }) => {
  const t = await createTask(request, { title: uniq("Runs") });
  const claim = await request.post(`/api/tasks/${t.id}/claim`, { data: {} });
  expect(claim.status()).toBe(200);
  const { run_id } = (await claim.json()) as { run_id: number };
  const done = await request.post(`/api/tasks/${t.id}/complete`, {
    data: { run_id, summary: "trained the model", metadata: { loss: 0.12, stats: { epochs: 3, best_epoch: 2 } } },
  });
  expect(done.status(), await done.text()).toBe(200);

  await openBoard(page, `/?task=${t.id}`);
  const runs = page.getByRole("dialog", { name: `Task ${t.title}` }).getByRole("region", { name: "Runs" });
  const run = runs.getByTestId("run");
  await expect(run).toHaveCount(1);
  await expect(run.getByTestId("run-outcome")).toHaveText("completed");
  await expect(run.getByTestId("run-summary")).toHaveText("trained the model");
  const meta = run.getByTestId("run-metadata");
  for (const key of ["loss", "0.12", "stats", "epochs", "best_epoch"]) await expect(meta).toContainText(key);

  const r = await createTask(request, { title: uniq("Reclaim") });
  expect((await request.post(`/api/tasks/${r.id}/claim`, { data: {} })).status()).toBe(200);
  await openBoard(page, `/?task=${r.id}`);
  const drawer = page.getByRole("dialog", { name: `Task ${r.title}` });
  await drawer.getByRole("button", { name: "Reclaim…" }).click();
  const prompt = page.getByRole("dialog", { name: "Reclaim task" });
  await prompt.getByRole("textbox").fill("worker is stuck");
  await prompt.getByRole("button", { name: "Reclaim" }).click();
  await expect(drawer.getByRole("region", { name: "Runs" }).getByTestId("run-outcome").first()).toHaveText("reclaimed");
  await expect(drawer.getByRole("button", { name: "Reclaim…" })).toHaveCount(0);
});
