import type { RouteHandler } from "@hono/zod-openapi";
import { eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { requireApiKey, requirePageSession } from "../../auth/middleware";
import {
  createLaunchToken,
  endSession,
  LAUNCH_TTL_MS,
  lookupSession,
  peekLaunchToken,
  redeemLaunchToken,
  SESSION_COOKIE,
} from "../../auth/sessions";
import { publicOrigin, publicUrl, sessionTimeouts } from "../../config";
import { directoryDb } from "../../db";
import { workspaces } from "../../db/schema";
import type { AppEnv } from "../../env";
import { isoIn } from "../../lib/time";
import { ApiError, unauthorized } from "../errors";
import type { createSession, currentSession, exchangeLaunchToken, logout } from "./sessions.routes";

export const createSessionHandler: RouteHandler<typeof createSession, AppEnv> = async (c) => {
  const apiKeyId = requireApiKey(c);
  const base = publicUrl(c.env, "/launch");
  const token = await createLaunchToken(directoryDb(c.env), c.get("workspaceId"), apiKeyId);
  return c.json({ url: `${base}#token=${token}`, expiresAt: isoIn(LAUNCH_TTL_MS) }, 201);
};

export const currentSessionHandler: RouteHandler<typeof currentSession, AppEnv> = async (c) => {
  const db = directoryDb(c.env);
  const ws = await db
    .select()
    .from(workspaces)
    .where(eq(workspaces.id, c.get("workspaceId")))
    .get();
  if (!ws) throw unauthorized();
  const secret = c.get("authKind") === "session" ? getCookie(c, SESSION_COOKIE) : undefined;
  const session = secret ? await lookupSession(c.env, db, secret) : null;
  return c.json({ workspace: { id: ws.id, name: ws.name }, csrfToken: session?.csrfToken ?? null }, 200);
};

function cookieOptions(env: Env) {
  return { httpOnly: true, secure: publicOrigin(env).startsWith("https:"), sameSite: "Lax" as const, path: "/" };
}

export const logoutHandler: RouteHandler<typeof logout, AppEnv> = async (c) => {
  const id = requirePageSession(c, "Signing out");
  await endSession(directoryDb(c.env), id);
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c.env));
  return c.body(null, 204);
};

/** The exchange is a sign-in: only a page on this deployment's own origin may ask for it (login CSRF). */
function checkOrigin(c: Context<AppEnv>) {
  if (c.req.header("origin") !== publicOrigin(c.env)) {
    throw new ApiError(403, "origin_mismatch", "Sign-in links are opened on this deployment's own page only");
  }
}

export const exchangeLaunchTokenHandler: RouteHandler<typeof exchangeLaunchToken, AppEnv> = async (c) => {
  const { absoluteMs } = sessionTimeouts(c.env);
  checkOrigin(c);
  const { token, switchWorkspace } = c.req.valid("json");
  const db = directoryDb(c.env);
  const expired = () => unauthorized("This sign-in link has already been used or has expired");
  const next = await peekLaunchToken(db, token);
  if (!next) throw expired();
  const secret = getCookie(c, SESSION_COOKIE);
  const current = secret ? await lookupSession(c.env, db, secret) : null;
  const names = await db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(workspaces)
    .where(inArray(workspaces.id, [next.workspaceId, ...(current ? [current.workspaceId] : [])]));
  const named = (id: string) => ({ id, name: names.find((w) => w.id === id)?.name ?? "" });
  if (current && current.workspaceId !== next.workspaceId && !switchWorkspace) {
    // Opening someone else's link must not silently swap the workspace this browser works in.
    const from = named(current.workspaceId);
    const to = named(next.workspaceId);
    throw new ApiError(
      409,
      "switch_workspace",
      `This browser is signed in to ${from.name}; the link signs in to ${to.name} instead. Switch only if you meant to work in ${to.name}`,
      { current: from, next: to },
    );
  }
  const opened = await redeemLaunchToken(c.env, db, token, current?.id ?? null);
  if (!opened) throw expired();
  setCookie(c, SESSION_COOKIE, opened.secret, { ...cookieOptions(c.env), maxAge: Math.floor(absoluteMs / 1000) });
  return c.json({ workspace: named(opened.workspaceId) }, 200);
};
