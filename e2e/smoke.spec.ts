import { expect, test } from "@playwright/test";

test("home page renders the board with its columns and task total", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Fleet Kanban" })).toBeVisible();
  await expect(page.getByTestId("task-total")).toHaveText(/^\d+$/);
  await expect(page.locator('[data-status="ready"]')).toBeVisible();
});

test("/api/health reports a live database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ ok: true });
  expect(body.db).toMatch(/e2e-home[\\/]kanban\.db$/);
  expect(Number.isInteger(body.latest_event_id)).toBe(true);
  expect(Number.isInteger(body.tasks)).toBe(true);
});

test("WebSocket /ws greets with a hello frame carrying the event cursor", async ({ page }) => {
  await page.goto("/");
  // Opened from the page, so it goes through real Chromium with the page's Origin and Host.
  const frame = await page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        const timer = setTimeout(() => reject(new Error("no frame within 5 s")), 5000);
        ws.onmessage = (ev) => {
          clearTimeout(timer);
          ws.close();
          resolve(JSON.parse(String(ev.data)));
        };
        ws.onerror = () => reject(new Error("WebSocket error"));
      }),
  );
  expect(frame).toMatchObject({ type: "hello" });
  expect(typeof (frame as { cursor: unknown }).cursor).toBe("number");
});

test("a forged Host header is refused with 403 (DNS rebinding guard)", async ({ request }) => {
  const res = await request.get("/api/health", { headers: { Host: "evil.example" } });
  expect(res.status()).toBe(403);
  expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
});
