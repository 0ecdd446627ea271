// GOV.UK Frontend markup built in the browser, for pages whose data comes from the API:
// the error summary and each field's error message as govuk-frontend-jinja renders them,
// tags, tables and summary lists. GOV.UK's own ErrorSummary script focuses the summary (so
// it is announced) and, when one of its links is used, the field, its label or legend
// scrolled into view.
import { ErrorSummary } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";
import { ApiError, defaultFieldId, h } from "/static/js/api.js";

const SUMMARY_ID = "error-summary";
const ERROR_CLASSES = { INPUT: "govuk-input--error", SELECT: "govuk-select--error", TEXTAREA: "govuk-textarea--error" };

// Pydantic says "Value error, must not be in the future": the person needs only the reason.
function cleanMessage(message) {
  const text = String(message || "").replace(/^Value error, /, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// [{loc, msg, part?}] from a list, an ApiError or any other error.
function errorList(errors) {
  if (Array.isArray(errors)) return errors.length ? errors : [{ loc: [], msg: "Something went wrong." }];
  const list = errors instanceof ApiError ? errors.details : [];
  return list.length ? list : [{ loc: [], msg: errors?.message || String(errors || "Something went wrong.") }];
}

// Where an error goes. A field is an input, select or textarea, or a GOV.UK date input: its
// .govuk-date-input or one of its boxes. `link`: what the summary links to (for a date input,
// the box `part` names: "day", "month", "year" or "time", else the first); `marked`: the boxes
// marked as wrong; the message goes before `anchor`; `described` names it in aria-describedby.
function targetOf(field, part) {
  const date = field.closest(".govuk-date-input");
  const set = date || field.closest(".govuk-radios, .govuk-checkboxes");
  const described = (set && field.closest("fieldset")) || field;
  const anchor = set || field.closest(".govuk-password-input__wrapper") || field;
  if (!date) return { link: field, marked: [field], anchor, described };
  const boxes = [...date.querySelectorAll("input")];
  const chosen = part && (boxes.find((box) => box.id.endsWith(`-${part}`))
    || (part === "day" ? boxes[0] : document.getElementById(`${field.id}-${part}`)));
  if (chosen) return { link: chosen, marked: [chosen], anchor, described };
  return { link: field === date ? boxes[0] : field, marked: boxes, anchor, described };
}

function markField(field, { marked, anchor, described }, message) {
  const id = `${field.id}-error`;
  if (document.getElementById(id)) return; // one message per field: the first
  anchor.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
  for (const box of marked) {
    if (ERROR_CLASSES[box.tagName] && box.type !== "checkbox" && box.type !== "radio") box.classList.add(ERROR_CLASSES[box.tagName]);
    box.setAttribute("aria-invalid", "true");
  }
  anchor.before(h("p", { class: "govuk-error-message", id, dataset: { errorFor: field.id, marked: marked.map((box) => box.id).join(" ") } },
    h("span", { class: "govuk-visually-hidden" }, "Error:"), ` ${message}`));
  const ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) described.setAttribute("aria-describedby", [...ids, id].join(" "));
}

// Show errors, [{loc, msg, part?}] or an ApiError, in a GOV.UK error summary at the top of
// <main> (or in `container`), each linked to the field `fieldIdFor(loc)` names (looked for in
// `form` first), which gets its own message above it. The summary takes focus.
export function showErrors(errors, { form, container, fieldIdFor = defaultFieldId, title = "There is a problem" } = {}) {
  const root = form || document;
  clearErrors(root);
  const seen = new Set();
  const items = [];
  for (const error of errorList(errors)) {
    const message = cleanMessage(error.msg);
    const id = fieldIdFor(error.loc || []);
    if (seen.has(`${id}|${message}`)) continue;
    seen.add(`${id}|${message}`);
    const field = id ? root.querySelector(`#${CSS.escape(id)}`) || document.getElementById(id) : null;
    if (!field) {
      items.push(h("li", {}, message));
      continue;
    }
    const target = targetOf(field, error.part);
    markField(field, target, message);
    items.push(h("li", {}, h("a", { href: `#${target.link.id}` }, message)));
  }
  // The alert is the summary itself (not a <div> inside, as the macro has it), so the element
  // that takes focus is the one announced.
  const summary = h("div", { class: "govuk-error-summary", id: SUMMARY_ID, role: "alert", dataset: { module: "govuk-error-summary" } },
    h("h2", { class: "govuk-error-summary__title" }, title),
    h("div", { class: "govuk-error-summary__body" }, h("ul", { class: "govuk-list govuk-error-summary__list" }, items)));
  (container || document.querySelector("main")).prepend(summary);
  new ErrorSummary(summary); // focuses it, so screen readers announce it
  return summary;
}

export function clearErrors(root = document) {
  document.getElementById(SUMMARY_ID)?.remove();
  for (const p of root.querySelectorAll(".govuk-error-message[data-error-for]")) {
    for (const box of p.dataset.marked.split(" ").map((id) => document.getElementById(id)).filter(Boolean)) {
      box.removeAttribute("aria-invalid");
      box.classList.remove(...Object.values(ERROR_CLASSES));
    }
    for (const described of document.querySelectorAll(`[aria-describedby~="${CSS.escape(p.id)}"]`)) {
      const rest = described.getAttribute("aria-describedby").split(" ").filter((id) => id && id !== p.id);
      if (rest.length) described.setAttribute("aria-describedby", rest.join(" "));
      else described.removeAttribute("aria-describedby");
    }
    p.closest(".govuk-form-group--error")?.classList.remove("govuk-form-group--error");
    p.remove();
  }
  for (const group of root.querySelectorAll(".govuk-form-group--error")) group.classList.remove("govuk-form-group--error");
}

// A tag that says its words; the colour only adds to them.
export function govukTag(text, colour) {
  return h("strong", { class: colour ? `govuk-tag govuk-tag--${colour}` : "govuk-tag" }, text);
}

// govukTable's markup: headings, then rows of cells (strings or nodes), each row's attributes
// from `rowAttributes(index)`.
export function govukTable({ id, caption, head, rows, rowAttributes = () => ({}) }) {
  return h("table", { class: "govuk-table", id },
    caption ? h("caption", { class: "govuk-table__caption govuk-table__caption--m" }, caption) : null,
    h("thead", { class: "govuk-table__head" },
      h("tr", { class: "govuk-table__row" }, head.map((text) => h("th", { scope: "col", class: "govuk-table__header" }, text)))),
    h("tbody", { class: "govuk-table__body" }, rows.map((cells, index) =>
      h("tr", { class: "govuk-table__row", ...rowAttributes(index) }, cells.map((cell) => h("td", { class: "govuk-table__cell" }, cell))))));
}

// govukSummaryList's markup: [[key, value], ...], values strings or nodes.
export function govukSummaryList(rows, { id } = {}) {
  return h("dl", { class: "govuk-summary-list", id },
    rows.map(([key, value]) => h("div", { class: "govuk-summary-list__row" },
      h("dt", { class: "govuk-summary-list__key" }, key),
      h("dd", { class: "govuk-summary-list__value" }, value))));
}

// "Value saved": a GOV.UK notification banner (its text in [data-banner-text]) that takes focus.
export function showSuccess(banner, text) {
  banner.querySelector("[data-banner-text]").textContent = text;
  banner.hidden = false;
  banner.focus();
}
