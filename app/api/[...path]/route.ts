import { errorResponse } from "@/server/http/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Any /api path no route matches: a JSON 404 in the API's error shape, not the HTML page. */
function notFound(req: Request): Response {
  return errorResponse(404, "not_found", `no API endpoint ${req.method} ${new URL(req.url).pathname}`);
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
