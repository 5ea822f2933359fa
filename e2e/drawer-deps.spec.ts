import { expect, test } from "@playwright/test";
import { createTask, openBoard, uniq } from "./helpers";

test("dependency editor: add a parent and a child, a cycle is refused inline, × unlinks", async ({ page, request }) => {
  const a = await createTask(request, { title: uniq("Dep parent") });
  const b = await createTask(request, { title: uniq("Dep self") });
  const c = await createTask(request, { title: uniq("Dep child") });
  const d = await createTask(request, { title: uniq("Dep grandchild") });
  // c → d already, so once b → c exists, making d a parent of b closes b → c → d → b.
  expect((await request.post("/api/links", { data: { parent_id: c.id, child_id: d.id } })).status()).toBe(201);

  await openBoard(page, `/?task=${b.id}`);
  const drawer = page.getByRole("dialog", { name: `Task ${b.title}` });
  const deps = drawer.getByRole("region", { name: "Dependencies" });
  const parents = deps.getByRole("group", { name: "Parents" });
  const children = deps.getByRole("group", { name: "Children" });

  await parents.getByRole("button", { name: "Add parent" }).click();
  await parents.getByLabel("Add parent", { exact: true }).fill(a.title);
  await parents.getByRole("option", { name: new RegExp(a.id) }).click();
  await expect(parents.getByTestId("parent-chip")).toContainText(a.title);
  await expect(deps.getByTestId("waiting-on")).toContainText(a.id);

  await children.getByRole("button", { name: "Add child" }).click();
  await children.getByLabel("Add child", { exact: true }).fill(c.title);
  await children.getByRole("option", { name: new RegExp(c.id) }).click();
  await expect(children.getByTestId("child-chip")).toContainText(c.title);

  // The task itself never shows in the picker.
  await parents.getByRole("button", { name: "Add parent" }).click();
  const search = parents.getByLabel("Add parent", { exact: true });
  await search.fill(b.id);
  await expect(parents.getByRole("option")).toHaveCount(0);
  await search.fill(d.title);
  await parents.getByRole("option", { name: new RegExp(d.id) }).click();
  const err = parents.getByTestId("link-error");
  await expect(err).toContainText("cycle");
  await expect(err).toContainText(`${b.id} → ${c.id} → ${d.id}`);
  await expect(parents.getByTestId("parent-chip")).toHaveCount(1);

  // An unknown id typed into the picker is refused with the server's message.
  await search.fill("t_nope0000");
  await search.press("Enter");
  await expect(err).not.toContainText("cycle");
  await expect(err).toBeVisible();

  await parents.getByRole("button", { name: `Remove parent ${a.id}` }).click();
  await expect(parents.getByTestId("parent-chip")).toHaveCount(0);
  await expect(deps.getByTestId("waiting-on")).toHaveCount(0);
  await expect.poll(async () => ((await (await request.get(`/api/tasks/${b.id}`)).json()) as { parents: unknown[] }).parents.length).toBe(0);

  // Keyboard: ↓ moves the highlight through the results, Enter links the highlighted one.
  const tag = uniq("kbpick").replace(/\s/g, "-");
  await createTask(request, { title: `${tag} one` });
  await createTask(request, { title: `${tag} two` });
  if (!(await search.isVisible())) await parents.getByRole("button", { name: "Add parent" }).click();
  await search.fill(tag);
  const options = parents.getByRole("option");
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toHaveAttribute("aria-selected", "true");
  await search.press("ArrowDown");
  await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(options.nth(0)).toHaveAttribute("aria-selected", "false");
  const picked = (await options.nth(1).textContent())!.match(/t_[0-9a-f]+/)![0];
  await search.press("Enter");
  await expect(parents.getByTestId("parent-chip")).toHaveCount(1);
  await expect(parents.getByTestId("parent-chip")).toContainText(picked);
});
