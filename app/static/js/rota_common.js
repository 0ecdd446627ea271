// What the rota pages share: London dates and times, workers, labelled errors, banners,
// and hiding the editing controls from readers who are not coordinators.
import { ApiError, api, h, hasRole, me, showErrors } from "/static/js/api.js";
import { wordTag } from "/static/js/words.js";

export {
  LONDON, addDays, formatClock, formatDay, formatRange, formatWhen, londonDate, londonToday, toLocalInput,
} from "/static/js/london.js";
export { loadFailed } from "/static/js/api.js";

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

export const LINE_NAMES = { professional: "Professionals", public: "Public" };

export function roleTag(role) {
  return wordTag("on_call_role", role);
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
