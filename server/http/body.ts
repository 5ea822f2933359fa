/**
 * Reading request input at the edge: JSON bodies (content type, 1 MiB limit, syntax), query
 * parameters, and zod validation whose errors name the field.
 */
import type { z } from "zod";
import { HttpError } from "./errors";
import { MAX_BODY_BYTES } from "./guards"; // one limit: the server's early check and this reader agree

async function readLimited(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, "too_large", `request body is over ${MAX_BODY_BYTES} bytes`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(413, "too_large", `request body is over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The JSON body of a write. An empty body is `{}` (e.g. POST /unblock); a non-empty one must be
 * `application/json` (415 otherwise) and parse (400 invalid_json otherwise).
 */
export async function readJson(req: Request): Promise<unknown> {
  const text = await readLimited(req);
  if (text.trim() === "") return {};
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new HttpError(415, "unsupported_media_type", `send JSON with Content-Type: application/json (got ${type || "no content type"})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "invalid_json", `the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Validates with a zod schema; the first issue becomes a 400 naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where = "body"): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as unknown as { keys: string[] }).keys;
    throw new HttpError(400, "validation", `${where}: unknown field${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`, { fields: keys });
  }
  const field = issue.path.map(String).join(".");
  throw new HttpError(400, "validation", `${where}${field ? "." + field : ""}: ${issue.message}`, { field: field || null });
}

export async function jsonBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(req));
}

/** Query parameters as a plain object (repeated keys keep the last value). */
export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams.entries());
}
