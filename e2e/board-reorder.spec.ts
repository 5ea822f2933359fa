import { expect, test, type Locator } from "@playwright/test";
import { card, column, createTask, drag, openBoard, uniq } from "./helpers";

const order = (col: Locator) => col.getByRole("article").evaluateAll((els) => els.map((e) => e.getAttribute("data-card-id")));

test("reorder within Ready: the dropped order persists after reload", async ({ page, request }) => {
  const tenant = `reorder-${Date.now().toString(36)}`;
  const titles = [uniq("Reorder A"), uniq("Reorder B"), uniq("Reorder C")];
  for (const title of titles) await createTask(request, { title, tenant });
  await openBoard(page, `/?tenant=${tenant}`);
  const ready = column(page, "Ready");
  await expect(ready.getByRole("article")).toHaveCount(3);
  const [x, y, z] = (await order(ready)) as string[];

  // The last card onto the first: only the moved card gets a position (before the unpositioned ones).
  await drag(page, ready.locator(`[data-card-id="${z}"]`), ready.locator(`[data-card-id="${x}"]`));
  await expect.poll(() => order(ready)).toEqual([z, x, y]);

  // The first unpositioned card onto the last: the cards above the drop point get positions too.
  await drag(page, ready.locator(`[data-card-id="${x}"]`), ready.locator(`[data-card-id="${y}"]`));
  await expect.poll(() => order(ready)).toEqual([z, y, x]);
  await expect
    .poll(async () => ((await (await request.get(`/api/tasks/${x}`)).json()).task.position as number | null) ?? null)
    .not.toBeNull();

  await page.reload();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect.poll(() => order(column(page, "Ready"))).toEqual([z, y, x]);
  await expect(card(column(page, "Ready"), titles[0])).toBeVisible();
});
