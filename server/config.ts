/**
 * `$KANBAN_HOME/config.yaml` (SPEC §2, §6.2), validated once at start. An invalid file is a clear
 * error naming the key (`dispatch.failure_limit: expected an integer ≥ 1, got "two"`), never a
 * crash and never a silent default. A missing file means all defaults.
 */
import fs from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { KanbanError } from "./kernel/errors";
import type { KernelConfig } from "./kernel/context";

const positiveInt = z.number().int().min(1);
const nonNegInt = z.number().int().min(0);
const profileName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "a lower-case profile name (letters, digits, . _ -)");

const profileSchema = z
  .strictObject({
    command: z.array(z.string().min(1)).min(1).optional(),
    hermes: z.boolean().optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).optional(),
    max_in_progress: positiveInt.optional(),
    skills: z.array(z.string().min(1)).optional(),
    prompt: z.string().min(1).optional(),
  })
  .refine((p) => !!p.command !== !!p.hermes, { message: "set exactly one of `command` (an argv list) or `hermes: true`" });

const configSchema = z.strictObject({
  dispatch: z
    .strictObject({
      enabled: z.boolean().optional(),
      interval_seconds: z.number().min(0.05).optional(),
      failure_limit: positiveInt.optional(),
      max_in_progress: positiveInt.optional(),
      max_in_progress_per_profile: positiveInt.optional(),
      default_assignee: profileName.optional(),
      crash_grace_seconds: nonNegInt.optional(),
      stale_timeout_seconds: nonNegInt.optional(),
    })
    .optional(),
  logs: z.strictObject({ rotate_bytes: positiveInt.optional(), backups: nonNegInt.optional() }).optional(),
  board: z.strictObject({ lanes_by_profile: z.boolean().optional(), default_tenant: z.string().min(1).optional() }).optional(),
  profiles: z.record(profileName, profileSchema).optional(),
});

export type ProfileConfig = z.infer<typeof profileSchema>;

export interface KanbanConfig {
  dispatch: {
    enabled: boolean;
    interval_seconds: number;
    failure_limit: number;
    max_in_progress: number | null;
    max_in_progress_per_profile: number | null;
    default_assignee: string | null;
    crash_grace_seconds: number;
    stale_timeout_seconds: number;
  };
  logs: { rotate_bytes: number; backups: number };
  board: { lanes_by_profile: boolean; default_tenant: string | null };
  profiles: Record<string, ProfileConfig>;
}

export function defaultConfig(): KanbanConfig {
  return {
    dispatch: {
      enabled: true, interval_seconds: 60, failure_limit: 2, max_in_progress: null, max_in_progress_per_profile: null,
      default_assignee: null, crash_grace_seconds: 30, stale_timeout_seconds: 14_400,
    },
    logs: { rotate_bytes: 2 * 1024 * 1024, backups: 1 },
    board: { lanes_by_profile: true, default_tenant: null },
    profiles: {},
  };
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s && s.length > 40 ? s.slice(0, 37) + "..." : String(s);
}

/** Validates an already-parsed document. Throws KanbanError("validation") naming the key. */
export function validateConfig(doc: unknown, source = "config.yaml"): KanbanConfig {
  if (doc == null) return defaultConfig();
  const r = configSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    const key = issue.path.map(String).join(".") || "(top level)";
    let msg = issue.message;
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys: string[] }).keys;
      const where = issue.path.length ? issue.path.join(".") + "." : "";
      throw new KanbanError("validation", `${source}: unknown key ${keys.map((x) => where + x).join(", ")}`);
    }
    if (issue.code === "invalid_key" && issue.path[0] === "profiles" && issue.path.length === 2) {
      throw new KanbanError("validation", `${source}: profiles.${String(issue.path[1])}: not a valid profile name (lower-case letters, digits, . _ -, starting with a letter or digit, at most 64)`);
    }
    let value: unknown = doc;
    for (const p of issue.path) value = (value as Record<string | number, unknown> | undefined)?.[p as string];
    msg = `${msg} (got ${describeValue(value)})`;
    throw new KanbanError("validation", `${source}: ${key}: ${msg}`);
  }
  const c = r.data;
  const d = defaultConfig();
  return {
    dispatch: { ...d.dispatch, ...stripUndefined(c.dispatch ?? {}) },
    logs: { ...d.logs, ...stripUndefined(c.logs ?? {}) },
    board: { ...d.board, ...stripUndefined(c.board ?? {}) },
    profiles: c.profiles ?? {},
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Reads and validates the config file; a missing file gives the defaults. */
export function loadConfig(file: string): KanbanConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return defaultConfig();
    throw new KanbanError("validation", `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : "";
    throw new KanbanError("validation", `${file}: not valid YAML${where}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc != null && (typeof doc !== "object" || Array.isArray(doc))) {
    throw new KanbanError("validation", `${file}: the top level must be a mapping of keys (dispatch, logs, board, profiles)`);
  }
  return validateConfig(doc, file);
}

/** The part of the config the kernel needs. */
export function kernelConfigFrom(c: KanbanConfig, claimTtlSeconds: number): KernelConfig {
  return {
    claimTtlSeconds,
    failureLimit: c.dispatch.failure_limit,
    crashGraceSeconds: c.dispatch.crash_grace_seconds,
    staleTimeoutSeconds: c.dispatch.stale_timeout_seconds,
  };
}
