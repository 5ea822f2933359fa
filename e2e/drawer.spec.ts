import { expect, test } from "@playwright/test";
import { card, column, createTask, openBoard, uniq } from "./helpers";

test("?task= deep link opens the drawer, a comment posts with Ctrl+Enter, Esc closes", async ({ page, request }) => {
  const title = uniq("Deep link");
  const t = await createTask(request, { title, body: "Plain body" });
  await openBoard(page, `/?task=${t.id}`);
  const drawer = page.getByRole("dialog", { name: `Task ${title}` });
  await expect(drawer).toBeVisible();
  await page.reload();
  await expect(drawer).toBeVisible();
  const box = drawer.getByLabel("New comment");
  await box.fill("Looks **good**");
  await box.press("Control+Enter");
  await expect(drawer.getByTestId("comment")).toContainText("Looks good");
  await expect(drawer.getByTestId("comment").locator("strong")).toHaveText("good");
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await expect(page).not.toHaveURL(/task=/);
});

test("markdown renders lists, code and links but no raw HTML or javascript: links", async ({ page, request }) => {
  const title = uniq("Markdown");
  const body = [
    "- first item",
    "- second item",
    "",
    "`inline code` and a [safe link](https://example.com/x)",
    "",
    "```",
    "block code",
    "```",
    "",
    '<img src=x onerror="alert(1)">',
    "",
    "[bad link](javascript:alert(2)) and [data](data:text/html,<script>alert(3)</script>)",
  ].join("\n");
  const t = await createTask(request, { title, body });
  let dialogs = 0;
  page.on("dialog", async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await openBoard(page, `/?task=${t.id}`);
  const desc = page.getByRole("region", { name: "Description" });
  await expect(desc.locator("li")).toHaveCount(2);
  await expect(desc.locator("pre code")).toHaveText("block code");
  await expect(desc.getByRole("link", { name: "safe link" })).toHaveAttribute("href", "https://example.com/x");
  await expect(desc.getByText("bad link")).toBeVisible();
  expect(await page.locator("img[onerror]").count()).toBe(0);
  expect(await desc.locator("img").count()).toBe(0);
  expect(await desc.locator('a[href^="javascript:"], a[href^="data:"]').count()).toBe(0);
  await desc.getByText("bad link").click();
  await desc.getByText("data", { exact: true }).click();
  expect(dialogs).toBe(0);
});

test("filters live in the URL and narrow the board", async ({ page, request }) => {
  const tenant = uniq("tenant").replace(/\s/g, "-");
  const mine = uniq("Tenant task");
  const other = uniq("Other task");
  await createTask(request, { title: mine, tenant });
  // Top priority so it sorts near the top of the (windowed) unfiltered Ready column.
  await createTask(request, { title: other, priority: 99 });
  await openBoard(page, `/?tenant=${encodeURIComponent(tenant)}`);
  await expect(card(column(page, "Ready"), mine)).toBeVisible();
  await expect(card(page, other)).toHaveCount(0);
  await page.getByRole("combobox", { name: "Tenant" }).selectOption("");
  await expect(card(page, other)).toBeVisible();
  await expect(page).not.toHaveURL(/tenant=/);
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search tasks")).toBeFocused();
  await page.keyboard.type(other);
  await expect(page).toHaveURL(/q=/);
  await expect(card(page, mine)).toHaveCount(0);
  await expect(card(page, other)).toBeVisible();
  await page.getByLabel("Show archived").check();
  await expect(page).toHaveURL(/archived=1/);
  await expect(column(page, "Archived")).toBeVisible();
});

test("drawer status actions: block with a reason, unblock, complete with a summary, archive, delete", async ({ page, request }) => {
  const t = await createTask(request, { title: uniq("Actions") });
  await openBoard(page, `/?task=${t.id}`);
  const drawer = page.getByRole("dialog", { name: `Task ${t.title}` });
  const actions = drawer.getByRole("group", { name: "Status actions" });
  const status = drawer.getByTestId("drawer-status");
  const apiStatus = async () => ((await (await request.get(`/api/tasks/${t.id}`)).json()) as { task: { status: string } }).task.status;

  await actions.getByRole("button", { name: "Block…" }).click();
  const block = page.getByRole("dialog", { name: "Block task" });
  await block.getByLabel("Reason").fill("needs a decision");
  await block.getByRole("button", { name: "Block" }).click();
  await expect(status).toHaveText("Blocked");
  expect(await apiStatus()).toBe("blocked");

  await actions.getByRole("button", { name: "Unblock" }).click();
  await expect(status).toHaveText("Ready");

  await actions.getByRole("button", { name: "Complete…" }).click();
  const complete = page.getByRole("dialog", { name: "Complete task" });
  await complete.getByLabel("Completion summary").fill("decided and done");
  await complete.getByRole("button", { name: "Complete" }).click();
  await expect(status).toHaveText("Done");
  expect(await apiStatus()).toBe("done");

  await actions.getByRole("button", { name: "Archive" }).click();
  await expect(status).toHaveText("Archived");

  await actions.getByRole("button", { name: "Delete…" }).click();
  await actions.getByRole("button", { name: "Delete for good? Confirm" }).click();
  await expect(drawer).toHaveCount(0);
  await expect(page).not.toHaveURL(/task=/);
  expect((await request.get(`/api/tasks/${t.id}`)).status()).toBe(404);
});
