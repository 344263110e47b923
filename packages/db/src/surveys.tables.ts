import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type SurveyStatus = 'draft' | 'open' | 'closed';
export type SurveyQuestionKind = 'likert' | 'objective';
export type ObjectiveLevelAnswer = 'fully' | 'partially' | 'not_yet';

export interface SurveySettingsTable {
  org_id: string;
  min_group_size: Generated<number>;
  updated_at: Generated<Date>;
}

/** Shape of both org_departments and org_staff_roles: a list the respondent picks from. */
export interface RespondentAttributeTable {
  id: Generated<string>;
  org_id: string;
  key: string;
  name: string;
  position: Generated<number>;
  archived_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface SurveyTable {
  id: Generated<string>;
  org_id: string;
  unit_id: string | null;
  name: string;
  series: string;
  wave: number;
  template: JSONColumnType<Record<string, unknown>>;
  status: Generated<SurveyStatus>;
  created_at: CreatedAt;
  opened_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  /** The organisation's minimum group size when the wave opened; null while a draft. */
  min_group_size: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SurveyQuestionTable {
  id: Generated<string>;
  org_id: string;
  survey_id: string;
  position: number;
  key: string;
  kind: SurveyQuestionKind;
  section: string;
  text: string;
  informs: ColumnType<string[], string[] | undefined, never>;
  element_id: string | null;
}

export interface SurveyInvitationTable {
  id: Generated<string>;
  org_id: string;
  survey_id: string;
  token_hash: string;
  created_at: CreatedAt;
  /** Whether the link was answered; when is deliberately not kept (it would match the response). */
  used: Generated<boolean>;
}

export interface SurveyResponseTable {
  id: Generated<string>;
  org_id: string;
  survey_id: string;
  unit_id: string | null;
  department_id: string | null;
  staff_role_id: string | null;
  origin: string;
  external_id: string | null;
  submitted_on: ColumnType<Date, undefined, never>;
  /** Which batch of invited responses wrote it (≥ the minimum group size each); null for survey tools. */
  batch: number | null;
}

/** One accepted invited response waiting for its batch. */
export interface SurveyResponseBufferTable {
  id: Generated<string>;
  org_id: string;
  survey_id: string;
  unit_id: string | null;
  department_id: string | null;
  staff_role_id: string | null;
  answers: JSONColumnType<BufferedAnswer[]>;
}

export interface BufferedAnswer {
  questionId: string;
  likert: number | null;
  dontKnow: boolean;
  objective: ObjectiveLevelAnswer | null;
}

export interface SurveyAnswerTable {
  response_id: string;
  question_id: string;
  org_id: string;
  survey_id: string;
  likert: number | null;
  dont_know: Generated<boolean>;
  objective: ObjectiveLevelAnswer | null;
}

export interface SurveysTables {
  survey_settings: SurveySettingsTable;
  org_departments: RespondentAttributeTable;
  org_staff_roles: RespondentAttributeTable;
  surveys: SurveyTable;
  survey_questions: SurveyQuestionTable;
  survey_invitations: SurveyInvitationTable;
  survey_responses: SurveyResponseTable;
  survey_response_buffer: SurveyResponseBufferTable;
  survey_answers: SurveyAnswerTable;
}

export type Survey = Selectable<SurveyTable>;
export type SurveyQuestion = Selectable<SurveyQuestionTable>;
export type RespondentAttribute = Selectable<RespondentAttributeTable>;
