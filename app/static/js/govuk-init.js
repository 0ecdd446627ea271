// GOV.UK Frontend's own behaviour (the service navigation's menu button, error summaries...).
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
