// What the rota pages share: London dates and times, workers, labelled errors, banners,
// and hiding the editing controls from readers who are not coordinators.
import { ApiError, api, h, hasRole, me, showErrors } from "/static/js/api.js";

export const LONDON = "Europe/London";

// ---- London dates and times -------------------------------------------------------------

function londonParts(date) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  const get = (type) => parts.find((part) => part.type === type).value;
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

// Today's date in London, "YYYY-MM-DD".
export function londonToday() {
  const p = londonParts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

// "2026-03-28" + 3 days -> "2026-03-31" (calendar arithmetic, no time zone involved).
export function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// A UTC instant as the value of a datetime-local input in London time: "2026-03-28T22:00".
// The API reads such text as London local time.
export function toLocalInput(iso) {
  if (!iso) return "";
  const p = londonParts(new Date(iso));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// The London date of an instant: "2026-03-28".
export function londonDate(iso) {
  return toLocalInput(iso).slice(0, 10);
}

// "Sat 28 Mar 2026, 22:00" in London time.
export function formatWhen(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(new Date(iso));
}

// "22:00" in London time.
export function formatClock(iso) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(new Date(iso));
}

// "Saturday 28 March 2026" for a date "2026-03-28"; options as Intl's (e.g. {day, month}).
export function formatDay(isoDate, options = { weekday: "long", day: "numeric", month: "long", year: "numeric" }) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", ...options })
    .format(new Date(`${isoDate}T12:00:00Z`));
}

export function formatRange(startIso, endIso) {
  return `${formatWhen(startIso)} to ${formatWhen(endIso)}`;
}

// 630 -> "10 hours 30 minutes"
export function formatMinutes(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [];
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (rest || !hours) parts.push(`${rest} minute${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

export function formatHours(hours) {
  const rounded = Math.round(hours * 100) / 100;
  return `${rounded} hour${rounded === 1 ? "" : "s"}`;
}

// ---- words for the rota's values --------------------------------------------------------

export const ROLE_NAMES = { primary: "Primary", backup: "Backup" };
export const SOURCE_NAMES = {
  manual: "Added by hand", rotation: "Rotation", cover: "Cover", swap: "Swap", import: "Imported",
};
export const CONFLICT_NAMES = {
  overlap: "Overlapping shifts", no_valid_phone: "No valid phone", on_leave: "On leave",
  inactive_worker: "Inactive worker",
};
export const LINE_NAMES = { professional: "Professionals", public: "Public" };

export function roleTag(role) {
  return h("strong", { class: role === "primary" ? "tag" : "tag tag--grey" }, ROLE_NAMES[role] || role);
}

// A gap says what it is in words; the colour and the stripes only add to them.
export function gapTag(role) {
  return h("strong", { class: "tag tag--red rota-gap-tag" }, `GAP: no ${role}`);
}

export function lineNames(keys) {
  return keys.map((key) => LINE_NAMES[key] || key).join(" and ");
}

// ---- workers ----------------------------------------------------------------------------

let workersPromise = null;
export function rotaWorkers() {
  if (!workersPromise) workersPromise = api.get("/api/rota/workers");
  return workersPromise;
}

export function workerLabel(worker) {
  const notes = [];
  if (!worker.active) notes.push("inactive");
  if (!worker.phone_valid) notes.push("no valid phone");
  return notes.length ? `${worker.name} (${notes.join(", ")})` : worker.name;
}

export function fillWorkerSelect(select, workers) {
  const keep = select.value;
  for (const option of [...select.options]) if (option.value) option.remove();
  for (const worker of workers) select.append(h("option", { value: worker.id }, workerLabel(worker)));
  select.value = keep;
}

// ---- errors -----------------------------------------------------------------------------

// API loc ["body", "starts_at"] -> the field "<prefix>-starts_at".
export function fieldIdFor(prefix) {
  return (loc) => {
    const names = (loc || []).filter((part) => typeof part === "string" && !["body", "query", "path"].includes(part));
    return names.length ? `${prefix}-${names[names.length - 1]}` : "";
  };
}

function fieldLabel(id) {
  const field = id && document.getElementById(id);
  if (!field) return "";
  if (field.type === "radio" || field.type === "checkbox") {
    const legend = field.closest("fieldset")?.querySelector("legend");
    if (legend) return legend.textContent.trim();
  }
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  return label ? label.textContent.replace(/\s*\(optional\)\s*$/, "").trim() : "";
}

// Show an API error (or a list of {loc, msg}) in the error summary, each message naming
// its field: "End: the end must be after the start".
export function showFieldErrors(errors, prefix, form) {
  const idFor = fieldIdFor(prefix);
  const list = errors instanceof ApiError ? errors.details : errors;
  if (errors instanceof ApiError && !list.length) {
    return showErrors(errors, { form, fieldIdFor: idFor });
  }
  const named = list.map((error) => {
    const label = fieldLabel(idFor(error.loc));
    const msg = String(error.msg || "").replace(/^Value error, /, "");
    return { ...error, msg: label ? `${label}: ${msg}` : msg };
  });
  return showErrors(named, { form, fieldIdFor: idFor });
}

// ---- banners and roles ------------------------------------------------------------------

export function showBanner(text, { title = "Done", focus = true } = {}) {
  const banner = document.getElementById("rota-banner");
  if (!banner) return;
  banner.querySelector(".banner__title").textContent = title;
  document.getElementById("rota-banner-text").textContent = text;
  banner.hidden = false;
  if (focus) banner.focus();
}

export function hideBanner() {
  const banner = document.getElementById("rota-banner");
  if (banner) banner.hidden = true;
}

// Coordinators change the rota; others (managers) only read it.
export async function coordinatorOrReader() {
  let user;
  try {
    user = await me();
  } catch {
    return false;
  }
  const coordinator = hasRole(user, "coordinator");
  if (!coordinator) {
    for (const element of document.querySelectorAll("[data-coordinator-only]")) element.hidden = true;
    const note = document.getElementById("rota-readonly");
    if (note) note.hidden = false;
  }
  return coordinator;
}

// A message for a section whose list failed to load.
export function loadFailed(container, error) {
  const text = error && error.status === 403 ? "You do not have permission to see this." : (error && error.message) || "Could not load this.";
  container.replaceChildren(h("p", { class: "warning-text" }, text));
}
