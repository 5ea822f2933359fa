import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";

const HOME = path.resolve(".tmp/e2e-home");
const run = promisify(execFile);

export interface TaskJson {
  id: string;
  title: string;
  status: string;
}

let n = 0;
/** A unique title per test run so repeated runs never collide (STACK P12). */
export const uniq = (s: string) => `${s} ${Date.now().toString(36)}${(n++).toString(36)}`;

export async function createTask(request: APIRequestContext, body: Record<string, unknown>): Promise<TaskJson> {
  const res = await request.post("/api/tasks", { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as TaskJson;
}

/** Runs the CLI in another process against the e2e server's database. */
export async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run("node", ["bin/kanban.mjs", ...args], {
    env: { ...process.env, KANBAN_HOME: HOME, KANBAN_DB: path.join(HOME, "kanban.db") },
  });
  return stdout;
}

export const column = (page: Page, name: string) => page.getByRole("region", { name, exact: true });
export const card = (scope: Page | Locator, title: string) => scope.getByRole("article", { name: new RegExp(escapeRe(title)) });
export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Opens the board and waits until the live socket is connected. */
export async function openBoard(page: Page, url = "/") {
  await page.goto(url);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
}

/** The dnd-kit mouse recipe from STACK.md: get past the 5 px activation distance, then glide. */
export async function drag(page: Page, from: Locator, to: Locator) {
  // The board scrolls sideways: bring the target, then the source, into view (minimal scrolling).
  await to.scrollIntoViewIfNeeded();
  await from.scrollIntoViewIfNeeded();
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  const vw = page.viewportSize()?.width ?? 1280;
  if (!a || !b) throw new Error("drag: element not visible");
  if (b.x + 20 > vw || b.x + b.width < 20) throw new Error("drag: source and target do not fit in the viewport together");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 5 });
  await page.mouse.move(Math.min(b.x + b.width / 2, vw - 10), b.y + Math.min(b.height / 2, 120), { steps: 20 });
  await page.mouse.up();
}
