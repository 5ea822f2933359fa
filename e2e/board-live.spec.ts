import { expect, test, type WebSocketRoute } from "@playwright/test";
import { card, cli, column, createTask, openBoard, uniq } from "./helpers";

test("a dropped connection shows reconnecting, resumes from its cursor and catches up on what it missed", async ({ page, request }) => {
  const tenant = `live-${Date.now().toString(36)}`;
  const t = await createTask(request, { title: uniq("Resumed"), tenant });
  const sockets: WebSocketRoute[] = [];
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  // Every /ws connection goes through the test: the first straight to the server, the second
  // (the reconnect) only once the test has made a change the page could not see.
  await page.routeWebSocket(/\/ws/, async (ws) => {
    sockets.push(ws);
    if (sockets.length > 1) await gate;
    ws.connectToServer();
  });
  await openBoard(page, `/?tenant=${tenant}`);
  await expect(card(column(page, "Ready"), t.title)).toBeVisible();

  await sockets[0].close({ code: 4000, reason: "test drops the link" });
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "reconnecting");
  await cli("edit", t.id, "--title", `${t.title} while away`);
  await expect.poll(() => sockets.length, { timeout: 10_000 }).toBe(2);
  expect(sockets[1].url()).toMatch(/[?&]since=\d+/);
  open();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(card(column(page, "Ready"), `${t.title} while away`)).toBeVisible();
});

test("status filter shows only the picked columns and lives in the URL; search matches id and body", async ({ page, request }) => {
  const tenant = `status-${Date.now().toString(36)}`;
  const ready = await createTask(request, { title: uniq("Filter ready"), tenant, body: "the needle-in-body word" });
  const blocked = await createTask(request, { title: uniq("Filter blocked"), tenant });
  expect((await request.patch(`/api/tasks/${blocked.id}`, { data: { status: "blocked", reason: "waiting" } })).status()).toBe(200);
  const idea = await createTask(request, { title: uniq("Filter idea"), tenant, triage: true });
  await openBoard(page, `/?tenant=${tenant}`);
  await expect(card(column(page, "Triage"), idea.title)).toBeVisible();

  await page.getByRole("button", { name: /^Status filter/ }).click();
  await page.getByRole("checkbox", { name: "Ready" }).check();
  await page.getByRole("checkbox", { name: "Blocked" }).check();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/status=ready%2Cblocked|status=ready,blocked/);
  await expect(page.getByRole("main", { name: "Board" }).getByRole("region")).toHaveCount(2);
  await expect(column(page, "Triage")).toHaveCount(0);
  await expect(page.getByTestId("task-total")).toHaveText("2");

  await page.reload();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(page.getByRole("main", { name: "Board" }).getByRole("region")).toHaveCount(2);
  await expect(card(column(page, "Blocked"), blocked.title)).toBeVisible();

  // Search reaches the body and the id.
  await page.getByRole("searchbox", { name: "Search tasks" }).fill("needle-in-body");
  await expect(card(page, ready.title)).toBeVisible();
  await expect(card(page, blocked.title)).toHaveCount(0);
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(blocked.id);
  await expect(card(page, blocked.title)).toBeVisible();
  await expect(card(page, ready.title)).toHaveCount(0);

  await page.getByRole("button", { name: /^Status filter/ }).click();
  await page.getByRole("button", { name: "Show all" }).click();
  await expect(page).not.toHaveURL(/status=/);
  await expect(column(page, "Triage")).toBeVisible();
});

test("a resync frame reloads the whole board (and only then are missed changes fetched wholesale)", async ({ page, request }) => {
  const tenant = `resync-${Date.now().toString(36)}`;
  let mute = false;
  let route!: WebSocketRoute;
  await page.routeWebSocket(/\/ws/, (ws) => {
    route = ws;
    const server = ws.connectToServer();
    server.onMessage((m) => {
      if (!mute) ws.send(m);
    });
    ws.onMessage((m) => server.send(m));
  });
  await openBoard(page, `/?tenant=${tenant}`);
  mute = true; // the page stops hearing events: a change now is invisible to it
  const t = await createTask(request, { title: uniq("Only after resync"), tenant });
  await page.waitForTimeout(500);
  await expect(card(page, t.title)).toHaveCount(0);
  const { latest_event_id } = (await (await request.get(`/api/board?tenant=${tenant}`)).json()) as { latest_event_id: number };
  mute = false;
  route.send(JSON.stringify({ type: "resync", cursor: latest_event_id }));
  await expect(card(column(page, "Ready"), t.title)).toBeVisible();
});
