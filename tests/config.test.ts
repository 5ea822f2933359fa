/**
 * `$KANBAN_HOME/config.yaml` (SPEC §2, §6.2): validated at start; an invalid file is a clear error
 * naming the key (never a crash, never a silent default); a missing file means the defaults; and
 * `kanban dispatch` / `kanban daemon` with a broken file exit 1 with that message and change nothing.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import Database from "better-sqlite3";
import { defaultConfig, kernelConfigFrom, loadConfig, validateConfig } from "../server/config";
import { isKanbanError } from "../server/kernel/errors";
import { BIN, NODE, cliEnv, ex, Home, cleanupHomes } from "./dispatcher/harness";
import { tempDir } from "./helpers";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  await cleanupHomes();
});

function writeConfig(text: string): string {
  const dir = tempDir("kanban-config-");
  dirs.push(dir);
  const file = path.join(dir, "config.yaml");
  fs.writeFileSync(file, text);
  return file;
}

/** The error a document gets (or null when it is valid). */
function errorOf(doc: unknown): string | null {
  try {
    validateConfig(doc);
    return null;
  } catch (e) {
    expect(isKanbanError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe("validation");
    return (e as Error).message;
  }
}

const SPEC_DEFAULTS = {
  dispatch: {
    enabled: true, interval_seconds: 60, failure_limit: 2, max_in_progress: null, max_in_progress_per_profile: null,
    default_assignee: null, crash_grace_seconds: 30, stale_timeout_seconds: 14_400,
  },
  logs: { rotate_bytes: 2 * 1024 * 1024, backups: 1 },
  board: { lanes_by_profile: true, default_tenant: null },
  profiles: {},
};

describe("defaults", () => {
  it("a missing file, an empty file, a comments-only file and a null document are all the SPEC defaults", () => {
    expect(defaultConfig()).toEqual(SPEC_DEFAULTS);
    const dir = tempDir("kanban-config-");
    dirs.push(dir);
    expect(loadConfig(path.join(dir, "missing.yaml"))).toEqual(SPEC_DEFAULTS);
    expect(loadConfig(writeConfig(""))).toEqual(SPEC_DEFAULTS);
    expect(loadConfig(writeConfig("# nothing here\n# dispatch:\n#   failure_limit: 9\n"))).toEqual(SPEC_DEFAULTS);
    expect(validateConfig(null)).toEqual(SPEC_DEFAULTS);
    expect(validateConfig({})).toEqual(SPEC_DEFAULTS);
  });

  it("keys that are given override their defaults, the rest keep them", () => {
    const c = loadConfig(writeConfig(toYaml({
      dispatch: { failure_limit: 5, interval_seconds: 0.5, max_in_progress: 4, default_assignee: "dev" },
      logs: { backups: 0 },
      board: { default_tenant: "acme" },
      profiles: {
        dev: { command: ["claude", "-p", "{prompt}"], env: { ANTHROPIC_MODEL: "x" }, max_in_progress: 2, skills: ["kanban-worker"] },
        "hermes-researcher": { hermes: true },
      },
    })));
    expect(c.dispatch).toEqual({ ...SPEC_DEFAULTS.dispatch, failure_limit: 5, interval_seconds: 0.5, max_in_progress: 4, default_assignee: "dev" });
    expect(c.logs).toEqual({ rotate_bytes: SPEC_DEFAULTS.logs.rotate_bytes, backups: 0 });
    expect(c.board).toEqual({ lanes_by_profile: true, default_tenant: "acme" });
    expect(c.profiles.dev).toEqual({ command: ["claude", "-p", "{prompt}"], env: { ANTHROPIC_MODEL: "x" }, max_in_progress: 2, skills: ["kanban-worker"] });
    expect(c.profiles["hermes-researcher"]).toEqual({ hermes: true });
    expect(kernelConfigFrom(c, 900)).toEqual({ claimTtlSeconds: 900, failureLimit: 5, crashGraceSeconds: 30, staleTimeoutSeconds: 14_400 });
  });
});

describe("invalid files are clear errors naming the key", () => {
  it("invalid YAML names the file and the line; duplicate keys are refused, not silently merged", () => {
    const bad = writeConfig("dispatch:\n  failure_limit: 2\n  interval_seconds: [1\n");
    expect(() => loadConfig(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not valid YAML at line \\d+`));
    expect(() => loadConfig(writeConfig("dispatch:\n\tfailure_limit: 2\n"))).toThrow(/not valid YAML at line 2: Tabs are not allowed/);
    expect(() => loadConfig(writeConfig("dispatch:\n  failure_limit: 2\ndispatch:\n  failure_limit: 3\n"))).toThrow(/not valid YAML at line 3: Map keys must be unique/);
  });

  it("a top level that is not a mapping, or a file that cannot be read", () => {
    expect(() => loadConfig(writeConfig("- dispatch\n- profiles\n"))).toThrow(/the top level must be a mapping of keys \(dispatch, logs, board, profiles\)/);
    expect(() => loadConfig(writeConfig("dispatch\n"))).toThrow(/the top level must be a mapping/);
    const dir = tempDir("kanban-config-");
    dirs.push(dir);
    expect(() => loadConfig(dir)).toThrow(/cannot read it \(EISDIR\)/);
  });

  it.each([
    [{ dispatcher: { interval_seconds: 1 } }, "unknown key dispatcher"],
    [{ dispatch: { intervall_seconds: 1 } }, "unknown key dispatch.intervall_seconds"],
    [{ logs: { rotate: 1 } }, "unknown key logs.rotate"],
    [{ board: { lanes: true } }, "unknown key board.lanes"],
    [{ profiles: { dev: { command: ["x"], commmand: ["y"] } } }, "unknown key profiles.dev.commmand"],
    [{ profiles: { dev: { command: ["x"], max_in_progres: 2 } } }, "unknown key profiles.dev.max_in_progres"],
  ])("unknown key: %j", (doc, msg) => {
    expect(errorOf(doc)).toBe(`config.yaml: ${msg}`);
  });

  it.each([
    [{ dispatch: { failure_limit: "two" } }, "dispatch.failure_limit", /expected number.*\(got "two"\)/],
    [{ dispatch: { failure_limit: 0 } }, "dispatch.failure_limit", /\(got 0\)/],
    [{ dispatch: { interval_seconds: -1 } }, "dispatch.interval_seconds", /\(got -1\)/],
    [{ dispatch: { max_in_progress: 2.5 } }, "dispatch.max_in_progress", /expected int.*\(got 2\.5\)/],
    [{ dispatch: { max_in_progress_per_profile: "3" } }, "dispatch.max_in_progress_per_profile", /\(got "3"\)/],
    [{ dispatch: { crash_grace_seconds: -5 } }, "dispatch.crash_grace_seconds", /\(got -5\)/],
    [{ dispatch: { stale_timeout_seconds: "4h" } }, "dispatch.stale_timeout_seconds", /\(got "4h"\)/],
    [{ dispatch: { default_assignee: "Backend Dev" } }, "dispatch.default_assignee", /lower-case profile name.*\(got "Backend Dev"\)/],
    [{ dispatch: { enabled: "yes" } }, "dispatch.enabled", /expected boolean/],
    [{ dispatch: 5 }, "dispatch", /expected object/],
    [{ logs: { rotate_bytes: 1.5 } }, "logs.rotate_bytes", /\(got 1\.5\)/],
    [{ logs: { backups: -1 } }, "logs.backups", /\(got -1\)/],
    [{ board: { lanes_by_profile: "yes" } }, "board.lanes_by_profile", /expected boolean.*\(got "yes"\)/],
    [{ board: { default_tenant: "" } }, "board.default_tenant", /\(got ""\)/],
    [{ profiles: ["dev"] }, "profiles", /expected record/],
    [{ profiles: { dev: null } }, "profiles.dev", /expected object/],
    [{ profiles: { dev: { command: "claude -p {prompt}" } } }, "profiles.dev.command", /expected array.*\(got "claude -p \{prompt\}"\)/],
    [{ profiles: { dev: { command: [] } } }, "profiles.dev.command", /\(got \[\]\)/],
    [{ profiles: { dev: { command: ["claude", ""] } } }, "profiles.dev.command.1", /\(got ""\)/],
    [{ profiles: { dev: { command: ["claude", 3] } } }, "profiles.dev.command.1", /expected string/],
    [{ profiles: { dev: { command: ["x"], env: { MODEL: 4 } } } }, "profiles.dev.env.MODEL", /expected string.*\(got 4\)/],
    [{ profiles: { dev: { command: ["x"], env: { "1BAD": "x" } } } }, "profiles.dev.env.1BAD", /./],
    [{ profiles: { dev: { command: ["x"], max_in_progress: 0 } } }, "profiles.dev.max_in_progress", /\(got 0\)/],
    [{ profiles: { dev: { command: ["x"], skills: "kanban-worker" } } }, "profiles.dev.skills", /expected array/],
    [{ profiles: { dev: { hermes: "yes" } } }, "profiles.dev.hermes", /expected boolean/],
  ])("wrong type or range: %j names %s", (doc, key, detail) => {
    const msg = errorOf(doc)!;
    expect(msg).not.toBeNull();
    expect(msg.startsWith(`config.yaml: ${key}: `), msg).toBe(true);
    expect(msg).toMatch(detail);
  });

  it.each(["Backend Dev", "UPPER", "-dash-first", "a/b", "café", "x".repeat(65), ""])("bad profile name %j names the profile", (name) => {
    const msg = errorOf({ profiles: { [name]: { command: ["x"] } } })!;
    expect(msg).not.toBeNull();
    expect(msg.startsWith(`config.yaml: profiles.${name}: `), msg).toBe(true);
  });

  it("good profile names pass", () => {
    expect(errorOf({ profiles: { dev: { command: ["x"] }, "backend-dev.2": { command: ["x"] }, a_b: { hermes: true }, ["x".repeat(64)]: { command: ["x"] } } })).toBeNull();
  });

  it.each([
    [{ command: ["x"], hermes: true }, "both"],
    [{}, "neither"],
    [{ hermes: false }, "neither (hermes: false)"],
    [{ env: { A: "b" }, max_in_progress: 1 }, "neither, with other keys"],
  ] as [Record<string, unknown>, string][])("a profile with %j (%s) of command and hermes is refused", (profile) => {
    const msg = errorOf({ profiles: { dev: profile } })!;
    expect(msg).toMatch(/^config\.yaml: profiles\.dev: set exactly one of `command` \(an argv list\) or `hermes: true`/);
  });

  it("a command with hermes: false is fine", () => {
    expect(errorOf({ profiles: { dev: { command: ["x"], hermes: false } } })).toBeNull();
  });

  it("loadConfig names the file instead of config.yaml", () => {
    const f = writeConfig("dispatch:\n  failure_limit: two\n");
    expect(() => loadConfig(f)).toThrow(`${f}: dispatch.failure_limit: Invalid input: expected number, received string (got "two")`);
  });
});

describe("the CLI with a broken config", () => {
  const snapshot = (db: string) => {
    const d = new Database(db, { readonly: true });
    try {
      return JSON.stringify(["tasks", "task_runs", "task_events"].map((t) => d.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
    } finally {
      d.close();
    }
  };

  it("`kanban dispatch` (and --dry-run, and `kanban daemon`) exit 1 with the message naming the key and change nothing", () => {
    const h = new Home({ profiles: { dev: { command: [NODE, ex("complete.mjs")] } } });
    const made = h.cli(["create", "ready work", "--assignee", "dev", "--json"]);
    expect(made.code).toBe(0);
    const id = JSON.parse(made.stdout).id;
    fs.writeFileSync(h.paths.config, "dispatch:\n  failure_limit: two\nprofiles:\n  dev:\n    command: [node, x.mjs]\n");
    const before = snapshot(h.paths.db);
    for (const args of [["dispatch"], ["dispatch", "--json"], ["dispatch", "--dry-run"], ["daemon"]]) {
      const r = spawnSync(NODE, [BIN, ...args], { cwd: h.dir, env: cliEnv(h.dir), encoding: "utf8", timeout: 30_000 });
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toBe(`kanban: ${h.paths.config}: dispatch.failure_limit: Invalid input: expected number, received string (got "two")\n`);
      expect(r.stdout).toBe("");
    }
    expect(snapshot(h.paths.db)).toBe(before);
    const row = new Database(h.paths.db, { readonly: true });
    try {
      expect(row.prepare("SELECT status FROM tasks WHERE id = ?").get(id)).toEqual({ status: "ready" });
    } finally {
      row.close();
    }
    expect(fs.existsSync(h.paths.workspaces)).toBe(false);
    expect(fs.existsSync(h.paths.logs)).toBe(false);

    // Invalid YAML and an unknown profile key too.
    for (const [text, msg] of [
      ["profiles:\n  dev:\n    command: [node\n", /: not valid YAML at line \d+/],
      ["profiles:\n  dev:\n    comand: [node, x.mjs]\n", /: unknown key profiles\.dev\.comand\n$/],
      ["profiles:\n  Dev Team:\n    command: [node]\n", /: profiles\.Dev Team: /],
    ] as const) {
      fs.writeFileSync(h.paths.config, text);
      const r = spawnSync(NODE, [BIN, "dispatch"], { cwd: h.dir, env: cliEnv(h.dir), encoding: "utf8", timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toContain(h.paths.config);
    }
    expect(snapshot(h.paths.db)).toBe(before);
  });
});
