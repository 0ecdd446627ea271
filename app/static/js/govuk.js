// GOV.UK Frontend markup built in the browser, for pages whose data comes from the API:
// the error summary and each field's error as govuk-frontend-jinja renders them, tags,
// tables and summary lists. GOV.UK's own ErrorSummary script focuses the summary and,
// when one of its links is used, the field (its label or legend scrolled into view).
import { ErrorSummary } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";
import { ApiError, defaultFieldId, h } from "/static/js/api.js";

const SUMMARY_ID = "error-summary";

// Show errors: [{loc, msg}] or an ApiError, in an error summary at the top of <main> (the
// markup of the page's <template id="error-summary-template">, from govukErrorSummary) and
// beside each field that `fieldIdFor(loc)` names.
export function showErrors(errors, { form, fieldIdFor = defaultFieldId } = {}) {
  const list = errors instanceof ApiError ? errors.details : errors;
  const root = form || document;
  clearErrors(root);
  const summary = summaryElement();
  const ul = summary.querySelector(".govuk-error-summary__list");
  const items = list.length ? list : [{ loc: [], msg: errors.message || "Something went wrong." }];
  for (const error of items) {
    const id = fieldIdFor(error.loc || []);
    const field = id ? root.querySelector(`#${CSS.escape(id)}`) || document.getElementById(id) : null;
    const message = cleanMessage(error.msg);
    if (field) {
      ul.append(h("li", {}, h("a", { href: `#${id}` }, message)));
      markField(field, message);
    } else {
      ul.append(h("li", {}, message));
    }
  }
  document.querySelector("main").prepend(summary);
  new ErrorSummary(summary); // focuses it, so screen readers announce it
  return summary;
}

function summaryElement() {
  const template = document.getElementById("error-summary-template");
  const summary = template.content.firstElementChild.cloneNode(true);
  summary.id = SUMMARY_ID;
  summary.querySelector(".govuk-error-summary__list").replaceChildren();
  return summary;
}

// Pydantic says "Value error, must not be in the future": the person needs only the reason.
function cleanMessage(message) {
  const text = String(message || "").replace(/^Value error, /, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ERROR_CLASSES = { INPUT: "govuk-input--error", SELECT: "govuk-select--error", TEXTAREA: "govuk-textarea--error" };

function markField(field, message) {
  const group = field.closest(".govuk-form-group");
  if (group) group.classList.add("govuk-form-group--error");
  if (ERROR_CLASSES[field.tagName] && field.type !== "checkbox" && field.type !== "radio") {
    field.classList.add(ERROR_CLASSES[field.tagName]);
  }
  field.setAttribute("aria-invalid", "true");
  const p = h("p", { class: "govuk-error-message", id: `${field.id}-error`, dataset: { errorFor: field.id } },
    h("span", { class: "govuk-visually-hidden" }, "Error:"), ` ${message}`);
  // Checkboxes and radios: above the whole set, and the fieldset is described by it.
  const anchor = field.closest(".govuk-checkboxes, .govuk-radios, .govuk-password-input__wrapper") || field;
  anchor.before(p);
  const described = field.closest("fieldset") || field;
  const ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(p.id)) described.setAttribute("aria-describedby", [...ids, p.id].join(" "));
}

export function clearErrors(root = document) {
  document.getElementById(SUMMARY_ID)?.remove();
  for (const p of root.querySelectorAll(".govuk-error-message[data-error-for]")) {
    const field = document.getElementById(p.dataset.errorFor);
    if (field) {
      field.removeAttribute("aria-invalid");
      field.classList.remove(...Object.values(ERROR_CLASSES));
      const described = field.closest("fieldset") || field;
      const rest = (described.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== p.id);
      if (rest.length) described.setAttribute("aria-describedby", rest.join(" "));
      else described.removeAttribute("aria-describedby");
    }
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
