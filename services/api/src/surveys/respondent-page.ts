import type { AttributeOption, SurveyForm, SurveyQuestion } from '@cxloop/db';

// The respondent's page: plain server-rendered HTML that works on a phone, with a screen reader and without
// JavaScript. Every value from the database or the request goes through `escape`.

export const likertChoices = [
  ['1', 'Strongly disagree'],
  ['2', 'Disagree'],
  ['3', 'Neither agree nor disagree'],
  ['4', 'Agree'],
  ['5', 'Strongly agree'],
  ['dont_know', "Don't know"],
] as const;

export const objectiveChoices = [
  ['fully', 'Fully achieved'],
  ['partially', 'Partially achieved'],
  ['not_yet', 'Not yet achieved'],
] as const;

/** Form field of a question's answer. */
export function answerField(question: Pick<SurveyQuestion, 'key'>): string {
  return `answer:${question.key}`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const style = `
body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
fieldset{border:1px solid #ccc;border-radius:.5rem;margin:1rem 0;padding:.75rem 1rem;background:#fff}
legend{font-weight:600;padding:0 .25rem}
label{display:flex;align-items:center;gap:.6rem;min-height:2.75rem;cursor:pointer}
input[type=radio]{width:1.35rem;height:1.35rem;flex:none}
select{font:inherit;min-height:2.75rem;width:100%;margin:.25rem 0 1rem}
button{font:inherit;font-weight:600;min-height:3rem;padding:0 2rem;border:0;border-radius:.5rem;background:#0b5cad;color:#fff}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.errors{border:2px solid #b00020;border-radius:.5rem;padding:.5rem 1rem;background:#fff}
.error{color:#b00020;font-weight:600}
.hint{color:#555}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

/** A page with only a message: thanks, already answered, closed, unknown link. */
export function renderNotice(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

export interface FormState {
  /** The values the respondent sent, by field name, so a page with errors keeps their answers. */
  values: ReadonlyMap<string, string>;
  /** Problems by field name ('unit', 'department', 'role', an answer field, or '' for the whole form). */
  errors: ReadonlyMap<string, string>;
}

const emptyState: FormState = { values: new Map(), errors: new Map() };

function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function errorLine(state: FormState, name: string): string {
  const message = state.errors.get(name);
  return message ? `<p class="error" id="${fieldId(name)}-error">${escapeHtml(message)}</p>` : '';
}

function choiceSelect(name: string, label: string, options: readonly AttributeOption[], state: FormState) {
  if (options.length === 0) return '';
  const chosen = state.values.get(name) ?? '';
  const described = state.errors.has(name) ? ` aria-describedby="${fieldId(name)}-error"` : '';
  return `<label for="${fieldId(name)}" style="display:block;min-height:0">${escapeHtml(label)}</label>
${errorLine(state, name)}<select id="${fieldId(name)}" name="${escapeHtml(name)}"${described}>
<option value="">Prefer not to say</option>
${options
  .map(
    (option) =>
      `<option value="${escapeHtml(option.key)}"${option.key === chosen ? ' selected' : ''}>${escapeHtml(option.name)}</option>`,
  )
  .join('\n')}
</select>`;
}

function questionFieldset(question: SurveyQuestion, state: FormState): string {
  const name = answerField(question);
  const chosen = state.values.get(name);
  const choices = question.kind === 'likert' ? likertChoices : objectiveChoices;
  const described = state.errors.has(name) ? ` aria-describedby="${fieldId(name)}-error"` : '';
  return `<fieldset id="${fieldId(name)}"${described}>
<legend>${escapeHtml(question.text)}</legend>
${errorLine(state, name)}${choices
  .map(
    ([value, label]) =>
      `<label><input type="radio" name="${escapeHtml(name)}" value="${value}"${chosen === value ? ' checked' : ''}> ${label}</label>`,
  )
  .join('\n')}
</fieldset>`;
}

/**
 * The survey form. Questions are grouped under their element; every question may be skipped, and "Don't
 * know" is its own answer (kept apart from the 1–5 scale).
 */
export function renderSurveyForm(form: SurveyForm, action: string, state: FormState = emptyState): string {
  const sections = new Map<string, SurveyQuestion[]>();
  for (const question of form.questions) {
    sections.set(question.section, [...(sections.get(question.section) ?? []), question]);
  }
  const errorSummary =
    state.errors.size === 0
      ? ''
      : `<div class="errors" role="alert" tabindex="-1"><h2>Please check your answers</h2><ul>${[
          ...state.errors,
        ]
          .map(([name, message]) =>
            name
              ? `<li><a href="#${fieldId(name)}">${escapeHtml(message)}</a></li>`
              : `<li>${escapeHtml(message)}</li>`,
          )
          .join('')}</ul></div>`;
  const askUnit = form.survey.unit_id === null;
  return page(
    form.survey.name,
    `<h1>${escapeHtml(form.survey.name)}</h1>
<p>Your answers are anonymous: they are stored without your name or your link, and results are only shown
for groups of several people. Skip any question you prefer not to answer.</p>
${errorSummary}
<form method="post" action="${escapeHtml(action)}">
<h2>About you</h2>
<p class="hint">Only used to compare groups; choose "Prefer not to say" to leave any of them out.</p>
${askUnit ? choiceSelect('unit', 'Your unit', form.units, state) : ''}
${choiceSelect('department', 'Your department', form.departments, state)}
${choiceSelect('role', 'Your role', form.staffRoles, state)}
${[...sections]
  .map(
    ([section, questions]) =>
      `<h2>${escapeHtml(section)}</h2>\n${questions.map((question) => questionFieldset(question, state)).join('\n')}`,
  )
  .join('\n')}
<p><button type="submit">Send my answers</button></p>
</form>`,
  );
}
