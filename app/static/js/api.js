// The pages' one way to the JSON API: JSON in and out, the CSRF header on changes,
// a sign-in redirect on 401, and 422 details as [{loc, msg}] (govuk.js shows them).

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const CSRF_COOKIE = "dutyline_csrf";

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  // FastAPI's validation list, or the app's Invalid error, as [{loc, msg}].
  get details() {
    const detail = this.body && this.body.detail;
    if (Array.isArray(detail)) return detail;
    if (typeof detail === "string") return [{ loc: [], msg: detail }];
    return [];
  }
}

function describe(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (status === 403) return "You do not have permission to do that.";
  if (status === 404) return "Not found.";
  if (status === 409) return "That was changed by someone else. Reload the page and try again.";
  if (status === 429) return "Too many attempts. Wait a minute and try again.";
  if (status >= 500) return "Sorry, there is a problem with the service. Try again later.";
  return `The request failed (${status}).`;
}

export function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export function signInUrl() {
  const here = window.location.pathname + window.location.search;
  return here.startsWith("/sign-in") ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`;
}

// request("PATCH", "/api/records/3", {worry: "..."}) -> the parsed JSON (or null for 204).
// Throws ApiError for any answer that is not 2xx. On 401 the browser goes to the sign-in
// page unless {redirectOn401: false}.
export async function request(method, path, body, { redirectOn401 = true, signal } = {}) {
  method = method.toUpperCase();
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", signal };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (UNSAFE.has(method)) {
    const token = readCookie(CSRF_COOKIE);
    if (token) headers["X-CSRF-Token"] = token;
  }
  const response = await fetch(path, init);
  let payload = null;
  const type = response.headers.get("Content-Type") || "";
  if (response.status !== 204 && type.includes("json")) {
    payload = await response.json();
  } else if (response.status !== 204) {
    const text = await response.text();
    payload = text ? { detail: text } : null;
  }
  if (response.status === 401 && redirectOn401) {
    window.location.assign(signInUrl());
  }
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

export const api = {
  get: (path, options) => request("GET", path, undefined, options),
  post: (path, body, options) => request("POST", path, body ?? {}, options),
  put: (path, body, options) => request("PUT", path, body ?? {}, options),
  patch: (path, body, options) => request("PATCH", path, body ?? {}, options),
  delete: (path, options) => request("DELETE", path, undefined, options),
};

// Who is signed in: one request per page, shared by the layout and the page's script.
let mePromise = null;
export function me({ refresh = false } = {}) {
  if (!mePromise || refresh) mePromise = api.get("/api/me");
  return mePromise;
}

// The workers calls are routed to (for linking and assigning), or null if the caller may not
// list them: the form then offers no choice rather than failing.
export async function staffWorkers() {
  try {
    return await api.get("/api/workers");
  } catch {
    return null;
  }
}

export function hasRole(user, ...roles) {
  return Boolean(user) && roles.some((role) => user.roles.includes(role));
}

// ---- errors ---------------------------------------------------------------------------

// The id of the field an error's loc names: ["body", "children", 0, "name"] -> "children-0-name".
export function defaultFieldId(loc) {
  const parts = (loc || []).filter((part) => !["body", "query", "path"].includes(part));
  return parts.join("-");
}

// ---- small DOM helpers ----------------------------------------------------------------

// h("a", {href: "/x", class: "link"}, "text", child) -> an element; strings become text.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// London dates: one home, /static/js/london.js; re-exported for the pages that import them here.
export { formatDate, formatDateTime } from "/static/js/london.js";

// A section whose data failed to load says so in words, in place of the data.
export function loadFailed(container, error) {
  const text = error && error.status === 403 ? "You do not have permission to see this." : (error && error.message) || "Could not load this.";
  container.replaceChildren(h("p", { class: "warning-text" }, text));
}

// Load what a section shows, or say in it why it could not be loaded: the data, or null.
export async function loadOr(container, load) {
  try {
    return await load();
  } catch (error) {
    loadFailed(container, error);
    return null;
  }
}

// A polite live region to say what happened ("Saved", "Claimed").
export function announce(element, text) {
  if (!element) return;
  element.textContent = "";
  window.setTimeout(() => { element.textContent = text; }, 50);
}
