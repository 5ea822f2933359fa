/**
 * Worker command lines and environments (SPEC §6.2). A profile's `command` is an argv template;
 * placeholders are replaced inside single elements, so task-provided text (title, prompt) is
 * only ever one argv element and no shell ever sees it. `{skills}` alone in an element expands
 * to repeated `--skills <name>` pairs.
 */
import type { ProfileConfig } from "../config";
import type { Task } from "../kernel/types";

export interface WorkerSpec {
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface SpawnContext {
  task: Task;
  profileName: string;
  profile: ProfileConfig;
  runId: number;
  lock: string;
  workspace: string;
  dbFile: string;
}

export function skillsFor(task: Task, profile: ProfileConfig): string[] {
  return [...new Set([...(profile.skills ?? []), ...task.skills])];
}

/** The prompt: the profile's `prompt` template (without {prompt}/{skills}) or the default. */
export function promptFor(c: SpawnContext): string {
  return c.profile.prompt ? fill(c.profile.prompt, c, "", []) : `work kanban task ${c.task.id}`;
}

function fill(element: string, c: SpawnContext, prompt: string, skills: string[]): string {
  return element.replace(/\{(prompt|task_id|profile|workspace|title|skills)\}/g, (_, key: string) => {
    switch (key) {
      case "prompt":
        return prompt;
      case "task_id":
        return c.task.id;
      case "profile":
        return c.profileName;
      case "workspace":
        return c.workspace;
      case "title":
        return c.task.title;
      default:
        return skills.join(",");
    }
  });
}

export function buildArgv(c: SpawnContext): string[] {
  const skills = skillsFor(c.task, c.profile);
  const skillFlags = skills.flatMap((s) => ["--skills", s]);
  if (c.profile.hermes) {
    return ["hermes", "-p", c.profileName, ...skillFlags, "chat", "-q", promptFor(c)];
  }
  const prompt = promptFor(c);
  const out: string[] = [];
  for (const el of c.profile.command ?? []) {
    if (el === "{skills}") out.push(...skillFlags);
    else out.push(fill(el, c, prompt, skills));
  }
  return out;
}

export function buildEnv(c: SpawnContext, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const vars: Record<string, string> = {
    KANBAN_TASK: c.task.id,
    KANBAN_RUN_ID: String(c.runId),
    KANBAN_CLAIM_LOCK: c.lock,
    KANBAN_WORKSPACE: c.workspace,
    KANBAN_DB: c.dbFile,
    KANBAN_TENANT: c.task.tenant ?? "",
    KANBAN_PROFILE: c.profileName,
  };
  const env: NodeJS.ProcessEnv = { ...base, ...(c.profile.env ?? {}), ...vars };
  if (c.profile.hermes) {
    for (const [k, v] of Object.entries(vars)) env[k.replace(/^KANBAN_/, "HERMES_KANBAN_")] = v;
    env.HERMES_TENANT = vars.KANBAN_TENANT;
    env.HERMES_PROFILE = c.profileName;
  }
  return env;
}
