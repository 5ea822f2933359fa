import { expect, test, type Page } from "@playwright/test";
import { column, createTask, openBoard } from "./helpers";

const N = 180;

/** The card at 1-based position `n` of a column (windowed: it may not be mounted). */
const at = (page: Page, name: string, n: number) => column(page, name).locator(`[role=listitem][aria-posinset="${n}"] [role=article]`);

async function seed(request: import("@playwright/test").APIRequestContext, tenant: string, n = N) {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, j) => createTask(request, { title: `Windowed ${String(i + j).padStart(3, "0")} ${tenant}`, tenant, priority: n - (i + j) })),
    );
  }
}

test("a long column mounts only what is on screen; scrolling, j/k and Shift-range reach every card", async ({ page, request }) => {
  test.setTimeout(60_000);
  const tenant = `virt-${Date.now().toString(36)}`;
  await seed(request, tenant);
  await openBoard(page, `/?tenant=${tenant}`);
  const ready = column(page, "Ready");
  await expect(ready.getByTestId("column-count")).toHaveText(String(N));
  const mounted = await ready.getByRole("article").count();
  expect(mounted).toBeGreaterThan(5);
  expect(mounted).toBeLessThan(60);
  await expect(at(page, "Ready", 1)).toContainText("Windowed 000");
  // No layout shift while the board loads and hydrates (server-rendered window, real heights in flow).
  const cls = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let sum = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) sum += e.value;
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => resolve(sum), 300);
      }),
  );
  console.log(`cumulative layout shift on load: ${cls}`);
  expect(cls).toBeLessThan(0.02);

  // Scroll to the bottom: the last card mounts, the first unmounts.
  await ready.getByTestId("column-cards").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(at(page, "Ready", N)).toBeVisible();
  await expect(at(page, "Ready", N)).toContainText(`Windowed ${N - 1}`);
  await expect(at(page, "Ready", 1)).toHaveCount(0);

  // Keyboard focus walks past the window: 60 × j from the first card lands on the 61st.
  await ready.getByTestId("column-cards").evaluate((el) => (el.scrollTop = 0));
  await at(page, "Ready", 1).focus();
  for (let i = 0; i < 60; i++) await page.keyboard.press("j");
  await expect(at(page, "Ready", 61)).toBeFocused();
  await expect(at(page, "Ready", 61)).toBeInViewport();
  await page.keyboard.press("k");
  await expect(at(page, "Ready", 60)).toBeFocused();

  // Shift-click selects the range in board order, including the cards that are not mounted.
  await ready.getByTestId("column-cards").evaluate((el) => (el.scrollTop = 0));
  await at(page, "Ready", 2).click({ modifiers: ["ControlOrMeta"] });
  await ready.getByTestId("column-cards").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await at(page, "Ready", N - 1).click({ modifiers: ["Shift"] });
  const bar = page.getByRole("toolbar", { name: "Bulk actions" });
  await expect(bar).toContainText(`${N - 2} selected`);
  await page.keyboard.press("Escape");
  await expect(bar).toHaveCount(0);

  // Leave the shared e2e board as it was (these cards would crowd other tests' unfiltered columns).
  const ids = ((await (await request.get(`/api/tasks?tenant=${tenant}&limit=1000`)).json()) as { id: string }[]).map((t) => t.id);
  expect((await request.post("/api/tasks/bulk", { data: { ids, delete: true } })).status()).toBe(200);
});

test("select all matching the filter, then one bulk change reaches every card (more than one 1,000-id batch)", async ({ page, request }) => {
  test.setTimeout(90_000);
  const M = 1005;
  const tenant = `all-${Date.now().toString(36)}`;
  await seed(request, tenant, M);
  await openBoard(page, `/?tenant=${tenant}`);
  await page.getByRole("button", { name: `Select all ${M}` }).click();
  const bar = page.getByRole("toolbar", { name: "Bulk actions" });
  await expect(bar).toContainText(`${M} selected`);
  await page.keyboard.press("Escape");
  await expect(bar).toHaveCount(0);

  // Ctrl/Cmd+A does the same from the keyboard.
  await page.getByRole("main", { name: "Board" }).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("ControlOrMeta+a");
  await expect(bar).toContainText(`${M} selected`);
  await bar.getByLabel("Set priority of selected").selectOption("1");
  await expect(page.getByTestId("toast").filter({ hasText: `${M} tasks updated` })).toBeVisible({ timeout: 30_000 });
  const all = (await (await request.get(`/api/tasks?tenant=${tenant}&limit=5000`)).json()) as { priority: number }[];
  expect(all).toHaveLength(M);
  expect(all.filter((t) => t.priority !== 1)).toEqual([]);

  // Bulk delete of everything, then the board says nothing matches and offers to clear the filter.
  await page.keyboard.press("ControlOrMeta+a");
  await bar.getByRole("button", { name: "Delete…" }).click();
  await bar.getByRole("button", { name: `Delete ${M}? Confirm` }).click();
  await expect(page.getByTestId("board-empty")).toContainText("No task matches these filters", { timeout: 30_000 });
  expect(await (await request.get(`/api/tasks?tenant=${tenant}&limit=5000`)).json()).toEqual([]);
  await page.getByTestId("board-empty").getByRole("button", { name: "Clear filters" }).click();
  await expect(page).not.toHaveURL(/tenant=/);
  await expect(page.getByText("No task matches these filters")).toHaveCount(0);
});
