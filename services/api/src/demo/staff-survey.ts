import { demoUnits } from './feedback-plan.js';
import type { DemoHttp } from './http.js';
import { SeededRandom } from './random.js';
import type { DemoState } from './state.js';

const departments = [
  { key: 'stores', name: 'Stores' },
  { key: 'customer-care', name: 'Customer care' },
  { key: 'delivery', name: 'Delivery and logistics' },
  { key: 'digital', name: 'Digital' },
];
const staffRoles = [
  { key: 'frontline', name: 'Frontline' },
  { key: 'team-lead', name: 'Team lead' },
  { key: 'manager', name: 'Manager' },
];

const SURVEY_NAME = 'CX maturity baseline';

interface FormQuestion {
  key: string;
  kind: 'likert' | 'objective';
  section: string;
}
type Answer = 1 | 2 | 3 | 4 | 5 | 'dont_know' | 'fully' | 'partially' | 'not_yet';

/**
 * How mature the demo company is on each framework element, 1–5: a fixed profile per seed, so some elements
 * come out strong and some weak, and the dashboard has something to explain.
 */
function maturityOf(elementId: string, seed: number): number {
  let hash = seed;
  for (const char of elementId) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return 1.6 + new SeededRandom(hash).next() * 2.8;
}

function clampLikert(value: number): 1 | 2 | 3 | 4 | 5 {
  return Math.min(5, Math.max(1, Math.round(value))) as 1 | 2 | 3 | 4 | 5;
}

/** One respondent's answers: the element's maturity, their own leniency and some noise; now and then "don't know". */
function answersOf(questions: readonly FormQuestion[], seed: number, unitKey: string, random: SeededRandom) {
  const leniency = (random.next() - 0.5) * 1.2;
  // The South region lags the North a little: unit breakdowns differ.
  const regional = unitKey === 'south' ? -0.35 : 0.15;
  return questions.map((question): { question: string; answer: Answer } => {
    const maturity = maturityOf(question.section.split(' ')[0] ?? question.section, seed) + regional;
    if (question.kind === 'objective') {
      const view = maturity + leniency + (random.next() - 0.5) * 1.5;
      return {
        question: question.key,
        answer: view >= 3.8 ? 'fully' : view >= 2.6 ? 'partially' : 'not_yet',
      };
    }
    if (random.chance(0.07)) return { question: question.key, answer: 'dont_know' };
    return { question: question.key, answer: clampLikert(maturity + leniency + (random.next() - 0.5) * 2) };
  });
}

export interface SurveyOutcome {
  surveyId: string;
  /** Responses recorded by this run (0 when the wave was already complete). */
  recorded: number;
}

/**
 * A staff survey wave over the whole framework, through the staff surveys API: department and role lists,
 * create, open, invite, answer through each respondent link (as staff would, from enough people to clear the
 * minimum group size in every unit, department and role), close. The invitation tokens are saved before
 * anyone answers, so an interrupted run picks up where it stopped; a closed wave is left as it is.
 */
export async function runStaffSurveyWave(
  http: DemoHttp,
  state: DemoState,
  options: { respondents: number; seed: number },
  onChange: () => Promise<void>,
): Promise<SurveyOutcome> {
  const apiKey = state.apiKeys.admin;
  if (state.survey) {
    const found = await http.send({
      method: 'GET',
      path: `/v1/surveys/${state.survey.id}`,
      apiKey,
      accept: [404],
    });
    if (found.status === 404) delete state.survey;
    else if (state.survey.closed) return { surveyId: state.survey.id, recorded: 0 };
  }
  await http.send({ method: 'PUT', path: '/v1/survey-settings', apiKey, json: { departments, staffRoles } });
  if (!state.survey) {
    const survey = (
      await http.send({
        method: 'POST',
        path: '/v1/surveys',
        apiKey,
        json: { name: SURVEY_NAME, template: { kind: 'framework' } },
      })
    ).json<{ id: string }>();
    await http.send({ method: 'POST', path: `/v1/surveys/${survey.id}/open`, apiKey });
    const { invitations } = (
      await http.send({
        method: 'POST',
        path: `/v1/surveys/${survey.id}/invitations`,
        apiKey,
        json: { count: options.respondents },
      })
    ).json<{ invitations: { token: string }[] }>();
    state.survey = {
      id: survey.id,
      tokens: invitations.map((invitation) => invitation.token),
      closed: false,
    };
    await onChange();
  }
  const { id, tokens } = state.survey;
  const random = new SeededRandom(options.seed);
  let recorded = 0;
  for (const [index, token] of tokens.entries()) {
    const form = await http.send({ method: 'GET', path: `/v1/survey-invitations/${token}`, accept: [409] });
    // 409: answered by an earlier, interrupted run.
    if (form.status === 409) continue;
    const { questions } = form.json<{ questions: FormQuestion[] }>();
    // Round robin, so every unit, department and role gets enough respondents to be reported.
    const unit = demoUnits[index % demoUnits.length]?.key ?? 'north';
    const answers = answersOf(questions, options.seed, unit, random);
    await http.send({
      method: 'POST',
      path: `/v1/survey-invitations/${token}/response`,
      json: {
        attributes: {
          unit,
          department: departments[index % departments.length]?.key,
          role: staffRoles[index % staffRoles.length]?.key,
        },
        answers,
      },
    });
    recorded += 1;
  }
  // 409: closed already by an earlier run that stopped before saving so.
  await http.send({ method: 'POST', path: `/v1/surveys/${id}/close`, apiKey, accept: [409] });
  state.survey = { id, tokens: [], closed: true };
  await onChange();
  return { surveyId: id, recorded };
}
