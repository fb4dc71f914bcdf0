// The seed's Node flow against `otpbridge serve` with plain fetch (no SDK): create an inbox,
// sign up on a web app with its address, long-poll the code, type it; then sign in with the
// e-mailed magic link. The mails travel the real pipeline (SMTP → Dovecot → bridge → worker).
//
// tests/test_node.py runs this with `node --test` and passes, via the environment:
//   OTPBRIDGE_API_URL     where serve listens, e.g. http://127.0.0.1:8025
//   OTPBRIDGE_API_TOKEN   the admin token (creates inboxes)
//   WEBAPP_URL            the test web app that mails codes and magic links
import { test } from "node:test";
import assert from "node:assert/strict";

const API = process.env.OTPBRIDGE_API_URL;
const ADMIN = process.env.OTPBRIDGE_API_TOKEN;
const APP = process.env.WEBAPP_URL;

const bearer = (token) => ({ Authorization: `Bearer ${token}` });

async function api(path, { token, method = "GET", body, headers = {} } = {}) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: {
      ...(token ? bearer(token) : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { res, json: text ? JSON.parse(text) : null };
}

async function createInbox(label) {
  const { res, json } = await api("/v1/inboxes", {
    token: ADMIN,
    method: "POST",
    body: { ttl: 600, label, allowed_senders: ["acme-cloud.test"] },
  });
  assert.equal(res.status, 201, JSON.stringify(json));
  return json;
}

// A form POST to the web app, as a browser would send it; redirects are not followed so the
// test sees the session cookie and where it is sent.
async function submit(path, fields, cookie) {
  return fetch(`${APP}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
}

const sessionCookie = (res) => {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith("acme_session="));
  assert.ok(raw, "the web app set its session cookie");
  return raw.split(";")[0];
};

test("the API describes itself at /openapi.json", async () => {
  const res = await fetch(`${API}/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.match(doc.openapi, /^3\./);
  for (const path of ["/v1/inboxes", "/v1/inboxes/{id}/otp", "/v1/inboxes/{id}/link"]) {
    assert.ok(doc.paths[path] ?? doc.paths[path.replace("{id}", "{inbox_id}")], path);
  }
});

test("no token is 401 with a JSON error", async () => {
  const { res, json } = await api("/v1/inboxes", { method: "POST", body: { ttl: 60 } });
  assert.equal(res.status, 401);
  assert.equal(json.error, "unauthorized");
  assert.equal(typeof json.detail, "string");
});

test("sign up with an inbox address, read the code over HTTP, sign in by magic link", async () => {
  const inbox = await createInbox("node-signup");
  assert.match(inbox.email, new RegExp(`\\+${inbox.id}@`));
  assert.ok(inbox.token.length >= 22, "a per-inbox token of at least 128 bits");
  assert.ok(!Number.isNaN(Date.parse(inbox.expires_at)));
  const other = await createInbox("node-other");

  // Another inbox's token does not see this inbox at all.
  const foreign = await api(`/v1/inboxes/${inbox.id}/otp?timeout=1`, { token: other.token });
  assert.equal(foreign.res.status, 404);
  assert.equal(foreign.json.error, "inbox_not_found");

  // 1. Sign up: the app mails a 6-digit code to the inbox address.
  const signup = await submit("/signup", { email: inbox.email });
  assert.equal(signup.status, 303);
  const pending = sessionCookie(signup);

  // 2. Long-poll the code with the inbox's own token.
  const started = Date.now();
  const otp = await api(`/v1/inboxes/${inbox.id}/otp?timeout=30`, { token: inbox.token });
  assert.equal(otp.res.status, 200, JSON.stringify(otp.json));
  assert.match(otp.json.code, /^\d{6}$/);
  assert.equal(typeof otp.json.code_display, "string");
  assert.ok("expires_in_s" in otp.json);
  assert.match(otp.json.message.from, /acme-cloud\.test/);
  assert.match(otp.json.message.subject, /verification code/);
  assert.ok(!Number.isNaN(Date.parse(otp.json.message.received_at)));
  console.log(`code over HTTP ${Date.now() - started} ms after the signup form`);

  // 3. Type it: the app signs us in.
  const verify = await submit("/verify", { code: otp.json.code }, pending);
  assert.equal(verify.status, 303);
  assert.equal(verify.headers.get("location"), "/dashboard");

  // A returned code is consumed: the next long-poll finds nothing new (204 + how many mails).
  const again = await api(`/v1/inboxes/${inbox.id}/otp?timeout=1`, { token: inbox.token });
  assert.equal(again.res.status, 204);
  assert.equal(again.res.headers.get("otpbridge-mails-arrived"), "0");

  // 4. Sign in later: the app mails a magic link; following it reaches the dashboard.
  const login = await submit("/login", { email: inbox.email });
  assert.equal(login.status, 200);
  const link = await api(`/v1/inboxes/${inbox.id}/link?kind=magic_link&timeout=30`, {
    token: inbox.token,
  });
  assert.equal(link.res.status, 200, JSON.stringify(link.json));
  assert.equal(link.json.kind, "magic_link");
  assert.ok(link.json.url.startsWith(`${APP}/magic?token=`));
  const magic = await fetch(link.json.url, { redirect: "manual" });
  assert.equal(magic.status, 303);
  const dashboard = await fetch(`${APP}/dashboard`, {
    headers: { Cookie: sessionCookie(magic) },
    redirect: "manual",
  });
  assert.equal(dashboard.status, 200);
  assert.match(await dashboard.text(), new RegExp(`Welcome, ${inbox.email.replace("+", "\\+")}`));

  // 5. Clean up: deleted is gone (404) for its own token and for the admin.
  const deleted = await api(`/v1/inboxes/${inbox.id}`, { token: ADMIN, method: "DELETE" });
  assert.equal(deleted.res.status, 204);
  const gone = await api(`/v1/inboxes/${inbox.id}`, { token: ADMIN });
  assert.equal(gone.res.status, 404);
});
