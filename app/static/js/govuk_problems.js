// GOV.UK error summary and error messages for the workers and lines pages' forms.
// problems: [{field, text}]: field is an input's id (or null for the whole form).
import { ApiError, h } from "/static/js/api.js";

export function clearProblems(form) {
  document.getElementById("error-summary")?.remove();
  for (const message of form.querySelectorAll(".govuk-error-message[data-problem]")) message.remove();
  for (const group of form.querySelectorAll(".govuk-form-group--error")) group.classList.remove("govuk-form-group--error");
  for (const field of form.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    field.classList.remove("govuk-input--error", "govuk-textarea--error");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== `${field.id}-error`);
    if (described.length) field.setAttribute("aria-describedby", described.join(" "));
    else field.removeAttribute("aria-describedby");
  }
}

function markField(input, text) {
  input.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
  if (input.tagName === "TEXTAREA") input.classList.add("govuk-textarea--error");
  else if (input.type !== "checkbox") input.classList.add("govuk-input--error");
  input.setAttribute("aria-invalid", "true");
  const message = h("p", { class: "govuk-error-message", id: `${input.id}-error`, dataset: { problem: "" } },
    h("span", { class: "govuk-visually-hidden" }, "Error: "), text);
  (input.closest(".govuk-checkboxes") || input.closest(".govuk-character-count")?.querySelector(".govuk-textarea") || input).before(message);
  const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  input.setAttribute("aria-describedby", [...described, message.id].join(" "));
}

// A GOV.UK error summary above everything in <main>, each problem linked to its field,
// which gets its own message; the summary takes focus so it is read out.
export function showProblems(form, problems) {
  clearProblems(form);
  const items = [];
  const seen = new Set();
  for (const { field, text } of problems) {
    if (seen.has(`${field}:${text}`)) continue;
    seen.add(`${field}:${text}`);
    const input = field ? document.getElementById(field) : null;
    if (!input) {
      items.push(h("li", {}, text));
      continue;
    }
    markField(input, text);
    const link = h("a", { href: `#${input.id}` }, text);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      input.focus();
    });
    items.push(h("li", {}, link));
  }
  const summary = h("div", { class: "govuk-error-summary", id: "error-summary", tabindex: "-1" },
    h("div", { role: "alert" },
      h("h2", { class: "govuk-error-summary__title" }, "There is a problem"),
      h("div", { class: "govuk-error-summary__body" },
        h("ul", { class: "govuk-list govuk-error-summary__list" }, items))));
  document.querySelector("main").prepend(summary);
  summary.focus();
}

function sentence(text) {
  const clean = String(text || "").replace(/^Value error, /, "");
  return clean.charAt(0).toUpperCase() + clean.slice(1);
}

// The API's refusal as problems: each 422 detail on the field its loc names (through
// `fieldIds`, API field -> input id), with `wordsFor[field]` when the page says it better.
export function problemsFrom(error, fieldIds = {}, wordsFor = {}) {
  if (error instanceof ApiError && error.status === 422 && error.details.length) {
    return error.details.map((detail) => {
      const loc = detail.loc || [];
      const name = String(loc.filter((part) => typeof part === "string" && part !== "body").pop() ?? "");
      const field = fieldIds[name] || null;
      const words = wordsFor[name];
      return { field, text: words ? words(detail.msg) : sentence(detail.msg) };
    });
  }
  return [{ field: null, text: error.message || "Something went wrong. Try again." }];
}

// "Value saved": a success banner (GOV.UK notification banner) that takes focus.
export function showSuccess(banner, text) {
  banner.querySelector("[data-banner-text]").textContent = text;
  banner.hidden = false;
  banner.focus();
}
