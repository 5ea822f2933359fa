import { expect, test } from "@playwright/test";
import { card, column, createTask, openBoard, uniq } from "./helpers";

test("keyboard: j/k/h/l move focus, Enter opens the drawer, Esc closes, ? lists the shortcuts", async ({ page, request }) => {
  const tenant = `keys-${Date.now().toString(36)}`;
  const idea = await createTask(request, { title: uniq("Key idea"), tenant, triage: true });
  const a = await createTask(request, { title: uniq("Key A"), tenant });
  const b = await createTask(request, { title: uniq("Key B"), tenant });
  await openBoard(page, `/?tenant=${tenant}`);
  const ready = column(page, "Ready");
  await expect(ready.getByRole("article")).toHaveCount(2);
  const first = ready.getByRole("article").first();
  const second = ready.getByRole("article").nth(1);

  await page.keyboard.press("j"); // nothing focused: the first card of the board (Triage)
  await expect(card(page, idea.title)).toBeFocused();
  await page.keyboard.press("l");
  await expect(first).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(second).toBeFocused();
  await page.keyboard.press("k");
  await expect(first).toBeFocused();
  await page.keyboard.press("h");
  await expect(card(page, idea.title)).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("j");
  await expect(second).toBeFocused();
  const id = await second.getAttribute("data-card-id");
  expect([a.id, b.id]).toContain(id);

  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`task=${id}`));
  await expect(page.getByRole("dialog", { name: /^Task / })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: /^Task / })).toHaveCount(0);
  await expect(page).not.toHaveURL(/task=/);

  // x selects the focused card; Esc clears the selection.
  await second.focus();
  await page.keyboard.press("x");
  await expect(second).toHaveAttribute("data-selected", "1");
  await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toContainText("1 selected");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toHaveCount(0);

  // c opens inline create in the focused column.
  await second.focus();
  await page.keyboard.press("c");
  await expect(ready.getByRole("textbox", { name: /New task title/ })).toBeFocused();
  await page.keyboard.press("Escape");

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("open the focused card");
  await page.keyboard.press("Escape");
  await expect(help).toHaveCount(0);

  // Shortcuts never fire while typing: `/` focuses search and "jx" is typed into it.
  await page.keyboard.press("/");
  const search = page.getByRole("searchbox", { name: "Search tasks" });
  await expect(search).toBeFocused();
  await page.keyboard.type("jx?");
  await expect(search).toHaveValue("jx?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toHaveCount(0);
});

test("keyboard drag: Space picks a card up, arrows carry it to another column, Space drops (Done asks a summary)", async ({ page, request }) => {
  const tenant = `kdrag-${Date.now().toString(36)}`;
  const t = await createTask(request, { title: uniq("Keyboard carried"), tenant });
  expect((await request.patch(`/api/tasks/${t.id}`, { data: { status: "review" } })).status()).toBe(200);
  await openBoard(page, `/?tenant=${tenant}`);
  const c = card(column(page, "Review"), t.title);
  await c.focus();
  await page.keyboard.press("Space");
  // dnd-kit's keyboard sensor first scrolls the board when the next column is off screen, then
  // moves: press → until its live region announces the card over Done.
  const announce = page.locator("[id^=DndLiveRegion]");
  await expect(announce).toContainText(new RegExp(`Picked up task ${t.id}|Task ${t.id} is over Review`));
  for (let i = 0; i < 4 && !(await announce.textContent())?.includes("over Done"); i++) {
    await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(150);
  }
  await expect(announce).toContainText(`Task ${t.id} is over Done.`);
  await page.keyboard.press("Space");
  const prompt = page.getByRole("dialog", { name: /Complete/ });
  await expect(prompt).toBeVisible();
  await prompt.getByLabel("Completion summary").fill("reviewed from the keyboard");
  await prompt.getByRole("button", { name: "Complete" }).click();
  await expect(card(column(page, "Done"), t.title)).toBeVisible();
  const detail = (await (await request.get(`/api/tasks/${t.id}`)).json()) as { task: { status: string } };
  expect(detail.task.status).toBe("done");
});

test("e edits the focused card's title in the drawer; Enter saves and the card follows", async ({ page, request }) => {
  const tenant = `edit-${Date.now().toString(36)}`;
  const t = await createTask(request, { title: uniq("Old title"), tenant });
  await openBoard(page, `/?tenant=${tenant}`);
  await card(column(page, "Ready"), t.title).focus();
  await page.keyboard.press("e");
  const title = page.getByRole("dialog", { name: `Task ${t.title}` }).getByLabel("Title", { exact: true });
  await expect(title).toBeFocused();
  const renamed = uniq("New title");
  await page.keyboard.type(renamed); // the whole old title is selected, so typing replaces it
  await page.keyboard.press("Enter");
  await expect(card(column(page, "Ready"), renamed)).toBeVisible();
  expect(((await (await request.get(`/api/tasks/${t.id}`)).json()) as { task: { title: string } }).task.title).toBe(renamed);
});

test("touch drag: press and hold, then slide a card to another column", async ({ browser, request }) => {
  const tenant = `touch-${Date.now().toString(36)}`;
  const t = await createTask(request, { title: uniq("Touched"), tenant });
  const ctx = await browser.newContext({ hasTouch: true, viewport: { width: 1600, height: 900 } });
  const page = await ctx.newPage();
  await openBoard(page, `/?tenant=${tenant}`);
  const from = card(column(page, "Ready"), t.title);
  const to = column(page, "Review");
  await to.scrollIntoViewIfNeeded();
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  const cdp = await ctx.newCDPSession(page);
  const touch = (type: "touchStart" | "touchMove" | "touchEnd", x: number, y: number) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y, id: 1 }] });
  const [x0, y0] = [a.x + a.width / 2, a.y + a.height / 2];
  const [x1, y1] = [b.x + b.width / 2, b.y + 120];
  await touch("touchStart", x0, y0);
  await page.waitForTimeout(350); // the touch sensor activates after a 200 ms hold
  for (let i = 1; i <= 20; i++) await touch("touchMove", x0 + ((x1 - x0) * i) / 20, y0 + ((y1 - y0) * i) / 20);
  await touch("touchEnd", x1, y1);
  await expect(card(column(page, "Review"), t.title)).toBeVisible();
  await expect.poll(async () => (await (await request.get(`/api/tasks/${t.id}`)).json()).task.status).toBe("review");
  await ctx.close();
});
