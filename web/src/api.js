// Calls to Pier's JSON API from pages signed in with a session cookie.

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

// APIError carries Pier's error answer: a code, a message written for
// people, and where in the SQL it points (line, column, source cell).
export class APIError extends Error {
  constructor(status, body) {
    super(body?.message || `The server answered ${status}.`);
    this.status = status;
    this.code = body?.code ?? "";
    this.line = body?.line ?? 0;
    this.column = body?.column ?? 0;
    this.source = body?.source ?? "";
    this.access = body?.access ?? null;
  }
}

export async function api(method, path, body, { signal } = {}) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrf() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new APIError(0, { code: "unavailable", message: "Pier could not be reached. Check the connection and try again." });
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new APIError(res.status, data?.error ?? { message: text.slice(0, 200) });
  return data;
}
