import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { getCookie, setCookie } from "hono/cookie";
import {
  createLaunchToken,
  LAUNCH_TTL_MS,
  lookupSession,
  redeemLaunchToken,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from "../../auth/sessions";
import { getDb } from "../../db";
import { workspaces } from "../../db/schema";
import type { AppEnv } from "../../env";
import { isoIn } from "../../lib/time";
import { unauthorized } from "../errors";
import type { createSession, currentSession, launch } from "./sessions.routes";

export const createSessionHandler: RouteHandler<typeof createSession, AppEnv> = async (c) => {
  const token = await createLaunchToken(getDb(c.env), c.get("workspaceId"));
  const url = new URL("/launch", c.req.url);
  url.searchParams.set("token", token);
  return c.json({ url: url.toString(), expiresAt: isoIn(LAUNCH_TTL_MS) }, 201);
};

export const currentSessionHandler: RouteHandler<typeof currentSession, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const ws = await db
    .select()
    .from(workspaces)
    .where(eq(workspaces.id, c.get("workspaceId")))
    .get();
  if (!ws) throw unauthorized();
  const secret = getCookie(c, SESSION_COOKIE);
  const session = secret ? await lookupSession(db, secret) : null;
  return c.json({ workspace: { id: ws.id, name: ws.name }, csrfToken: session?.csrfToken ?? null }, 200);
};

export const launchHandler: RouteHandler<typeof launch, AppEnv> = async (c) => {
  const redeemed = await redeemLaunchToken(getDb(c.env), c.req.valid("query").token);
  if (!redeemed) throw unauthorized("This sign-in link has already been used or has expired");
  const url = new URL(c.req.url);
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  setCookie(c, SESSION_COOKIE, redeemed.secret, {
    httpOnly: true,
    secure: !local,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
  return c.redirect("/settings/crm", 302);
};
