import { randomBytes } from 'node:crypto';
/**
 * Vendor webhook payloads used as fixtures. Each follows the vendor's documented example; where the docs show
 * only a shape (no complete example), the fixture is marked RECONSTRUCTED and built from the documented fields.
 */

/**
 * Typeform `form_response`, after the example on typeform.com/developers/webhooks/example-payload (its event
 * id, form id, response token and timestamps). RECONSTRUCTED in part: the documented example's answers are
 * replaced by one answer of each question type cxloop maps (nps, opinion_scale, rating, long_text, short_text).
 */
export function typeformFormResponse(overrides: { token?: string; npsScore?: number } = {}) {
  return {
    event_id: 'LtWXD3crgy',
    event_type: 'form_response',
    form_response: {
      form_id: 'lT4Z3j',
      token: overrides.token ?? 'a3a12ec67a1365927098a606107fac15',
      submitted_at: '2018-01-18T18:17:02Z',
      landed_at: '2018-01-18T18:07:02Z',
      calculated: { score: 9 },
      hidden: { customer_id: 'cust-5001', source: 'email' },
      definition: {
        id: 'lT4Z3j',
        title: 'Webhooks example',
        fields: [
          {
            id: 'NpsQ0001',
            ref: 'nps_ref',
            type: 'nps',
            title: 'How likely are you to recommend us?',
            properties: {},
          },
          {
            id: 'ScaleQ001',
            ref: 'effort_ref',
            type: 'opinion_scale',
            title: 'How satisfied were you with delivery?',
            properties: { steps: 5, start_at_one: true },
          },
          { id: 'RatingQ01', ref: 'rating_ref', type: 'rating', title: 'Rate the support', properties: {} },
          {
            id: 'DlXFaesGBpoF',
            ref: 'readable_ref_long_text',
            type: 'long_text',
            title: "Thanks, {{answer_60906475}}! What's it like to have a multi-colored goat?",
            properties: {},
          },
          {
            id: 'JwWggjAKtOkA',
            ref: 'readable_ref_short_text',
            type: 'short_text',
            title: 'What is your first name?',
          },
        ],
      },
      answers: [
        {
          type: 'number',
          number: overrides.npsScore ?? 9,
          field: { id: 'NpsQ0001', type: 'nps', ref: 'nps_ref' },
        },
        { type: 'number', number: 4, field: { id: 'ScaleQ001', type: 'opinion_scale', ref: 'effort_ref' } },
        { type: 'number', number: 2, field: { id: 'RatingQ01', type: 'rating', ref: 'rating_ref' } },
        {
          type: 'text',
          text: "It's cold right now! I'm freezing!",
          field: { id: 'DlXFaesGBpoF', type: 'long_text', ref: 'readable_ref_long_text' },
        },
        {
          type: 'text',
          text: 'Laura',
          field: { id: 'JwWggjAKtOkA', type: 'short_text', ref: 'readable_ref_short_text' },
        },
      ],
    },
  };
}

/** Twilio inbound SMS parameters, per twilio.com/docs/messaging/guides/webhook-request (values invented). */
export function twilioInboundSms(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ToCountry: 'GB',
    ToState: '',
    SmsMessageSid: 'SM1f0e1c2d3b4a5968778695a4b3c2d1e0',
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: 'SM1f0e1c2d3b4a5968778695a4b3c2d1e0',
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: 'Waited 40 minutes at the counter, nobody helped. Call me on 07700 900123.',
    FromCountry: 'GB',
    To: '+447700900000',
    MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
    ToZip: '',
    NumSegments: '1',
    MessageSid: 'SM1f0e1c2d3b4a5968778695a4b3c2d1e0',
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+447700900123',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

/**
 * Mailgun inbound route fields, per documentation.mailgun.com …/receive-http (the "fully parsed" field list).
 * RECONSTRUCTED: the docs list fields, not a full example post. The token is random per call, as Mailgun's
 * is per message (cxloop refuses a token that comes back with another message).
 */
export function mailgunInboundFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    recipient: 'feedback@mg.example.com',
    sender: 'bob@example.com',
    from: 'Bob <bob@example.com>',
    subject: 'Refund still missing',
    'body-plain': 'Three weeks and still no refund.\n\n> On Mon, support wrote:\n> We are on it',
    'stripped-text': 'Three weeks and still no refund.',
    'Message-Id': '<20260101120000.1.ABCDEF@mg.example.com>',
    'message-headers': '[["Subject","Refund still missing"]]',
    token: randomBytes(25).toString('hex'),
    ...overrides,
  };
}

/**
 * Zendesk `zen:event-type:ticket.created`, after the event schema on developer.zendesk.com (webhooks › event
 * types › ticket events). RECONSTRUCTED: built from the documented envelope and detail properties.
 */
export function zendeskTicketCreated(overrides: { id?: string } = {}) {
  return {
    type: 'zen:event-type:ticket.created',
    account_id: 12514403,
    id: overrides.id ?? 'cbe4028c-7239-495d-b020-f22348516046',
    time: '2026-11-23T11:00:00Z',
    zendesk_event_version: '2022-11-06',
    subject: 'zen:ticket:35436',
    detail: {
      actor_id: '8447388090494',
      assignee_id: null,
      brand_id: '8447346621310',
      created_at: '2026-11-23T11:00:00Z',
      description: 'The app logs me out every time I open the orders page.',
      external_id: null,
      form_id: '8646151517822',
      group_id: '8447320466430',
      id: '35436',
      is_public: true,
      organization_id: '8447346622462',
      priority: 'LOW',
      requester_id: '8447388090494',
      status: 'OPEN',
      subject: 'Logged out constantly',
      submitter_id: '8447388090494',
      tags: [],
      type: 'PROBLEM',
      updated_at: '2026-11-23T11:00:00Z',
      via: { channel: 'web_form' },
    },
    event: { meta: { sequence: { id: 'aa0d1b2c', position: 1 } } },
  };
}

/** The body of the Zendesk satisfaction trigger as README tells admins to write it, placeholders filled in. */
export function zendeskSatisfaction(rating = 'Good, I\u2019m satisfied') {
  return {
    cxloop_event: 'satisfaction_rating',
    ticket_id: '35436',
    rating,
    comment: 'Sorted within the hour, thanks!',
    requester_id: '8447388090494',
  };
}

/**
 * Intercom `conversation.rating.added` notification, after developers.intercom.com (webhook notification
 * model, conversation and conversation_rating models). RECONSTRUCTED from the documented models.
 */
export function intercomRatingAdded(rating = 4) {
  return {
    type: 'notification_event',
    app_id: 'ecahpwf5',
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: '147',
        created_at: 1763895600,
        source: {
          type: 'conversation',
          body: '<p>Where is my order?</p>',
          author: { id: '5f7f0d21', type: 'user' },
        },
        contacts: {
          type: 'contact.list',
          contacts: [{ type: 'contact', id: '5f7f0d21', external_id: 'cust-77' }],
        },
        conversation_rating: {
          rating,
          remark: 'Quick and friendly',
          created_at: 1763899200,
          contact: { type: 'contact', id: '5f7f0d21' },
          teammate: { type: 'admin', id: '814860' },
        },
      },
    },
    links: {},
    id: 'notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3',
    topic: 'conversation.rating.added',
    delivery_status: 'pending',
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: 1763899201,
    created_at: 1763899201,
    self: null,
  };
}

/**
 * `conversation.user.created` from an app pinned to an Intercom API 1.x version (webhook models, API 1.4):
 * the opening message is `conversation_message` and the customer `user`, both renamed in 2.0.
 */
export const intercomUserCreatedV1 = {
  type: 'notification_event',
  app_id: 'ecahpwf5',
  data: {
    type: 'notification_event_data',
    item: {
      type: 'conversation',
      id: '5212',
      created_at: 1763895600,
      user: { type: 'user', id: '5a1e7e2b', user_id: 'cust-91' },
      conversation_message: {
        type: 'conversation_message',
        subject: '',
        body: '<p>My parcel arrived damaged and nobody answers the phone.</p>',
        author: { type: 'user', id: '5a1e7e2b' },
      },
    },
  },
  links: {},
  id: 'notif_8b1f0c52-0e2c-4a53-9f35-91d1c0f0a7d1',
  topic: 'conversation.user.created',
  delivery_status: 'pending',
  delivery_attempts: 1,
  delivered_at: 0,
  first_sent_at: 1763895601,
  created_at: 1763895601,
  self: null,
};

/** Intercom's `ping` notification, sent when a webhook is saved: as in Intercom's docs, its `id` is null. */
export const intercomPing = {
  type: 'notification_event',
  app_id: 'ecahpwf5',
  data: { type: 'notification_event_data', item: { type: 'ping', message: 'something something interzen' } },
  links: {},
  id: null,
  topic: 'ping',
  delivery_status: null,
  delivery_attempts: 1,
  delivered_at: 0,
  first_sent_at: 1763899201,
  created_at: 1763899201,
  self: null,
};

/**
 * SurveyMonkey webhook callback, as in the example of SurveyMonkey's API v3 docs (webhooks: "callback
 * body"); ids shortened to one survey / response pair.
 */
export function surveyMonkeyResponseCompleted(responseId = '5007154325') {
  return {
    name: 'My Webhook',
    filter_type: 'survey',
    filter_id: '105723396',
    event_type: 'response_completed',
    event_id: '10000000001',
    object_type: 'response',
    object_id: responseId,
    event_datetime: '2026-11-23T10:56:31.182613+00:00',
    resources: {
      respondent_id: responseId,
      recipient_id: '564728340',
      survey_id: '105723396',
      collector_id: '50253586',
    },
  };
}

/**
 * `GET /v3/surveys/{id}/responses/{id}/details?simple=true`, after the response example of SurveyMonkey's
 * API v3 docs. RECONSTRUCTED: the documented example has one choice answer; an NPS, a 5-star rating and an
 * open-ended question are added with the `simple_text` the `simple=true` option returns.
 */
export function surveyMonkeyResponseDetails(responseId = '5007154325') {
  return {
    total_time: 144,
    custom_variables: { customer_id: 'cust-8080' },
    ip_address: '',
    id: responseId,
    logic_path: {},
    date_modified: '2026-11-23T10:56:00+00:00',
    response_status: 'completed',
    custom_value: 'custom identifier for the response',
    pages: [
      {
        id: '103332310',
        questions: [
          {
            id: '319352786',
            family: 'matrix',
            subtype: 'rating',
            heading: 'How likely is it that you would recommend us to a friend?',
            answers: [{ choice_id: '3057839051', row_id: '3057839050', simple_text: '3' }],
          },
          {
            id: '319352790',
            family: 'matrix',
            subtype: 'rating',
            heading: 'How would you rate the checkout?',
            answers: [{ choice_id: '3057839070', row_id: '3057839060', simple_text: '2 stars' }],
          },
          {
            id: '319352795',
            family: 'open_ended',
            subtype: 'essay',
            heading: 'Anything else?',
            answers: [{ text: 'Checkout kept timing out on my phone.' }],
          },
        ],
      },
    ],
    page_path: [],
    recipient_id: '564728340',
    collector_id: '50253586',
    date_created: '2026-11-23T10:54:00+00:00',
    survey_id: '105723396',
    collection_mode: 'default',
  };
}

/**
 * Delighted `survey_response.updated`, copied from the example request body on
 * https://app.delighted.com/docs/api/webhooks (its ids, person, score, comment and additional answers).
 */
export function delightedSurveyResponseUpdated(
  overrides: { id?: string; eventId?: string; score?: number; comment?: string | null } = {},
) {
  return {
    event_type: 'survey_response.updated',
    event_id: overrides.eventId ?? 'b8d057c59327541d7ec2104c0a9a255ad1997fb00831b9c6bbf09561e6d5cbd0',
    event_data: {
      id: overrides.id ?? '5435',
      person: {
        id: '5975',
        email: 'charlie_gravis@example.com',
        name: 'Charlie Gravis',
        created_at: 1734830790,
      },
      survey_type: 'nps',
      score: overrides.score ?? 9,
      comment: overrides.comment === undefined ? 'Your service is fast and flawless!' : overrides.comment,
      permalink: 'https://app.delighted.com/r/5pFDpmlyC8GUc5oxU6USto5VonSKAqOa',
      created_at: 1734830850,
      updated_at: 1734831450,
      person_properties: null,
      notes: [],
      tags: [],
      additional_answers: [
        {
          id: '4',
          value: {
            free_response: null,
            scale: null,
            select_one: null,
            select_many: [
              { id: 'DxmjNj', text: 'Convenience' },
              { id: 'uNQIig', text: 'Friendly staff' },
            ],
          },
          question: {
            id: 'enum_z9EvYV',
            type: 'select_many',
            text: 'What specifically did you enjoy about your experience with us?',
          },
        },
      ],
    },
  };
}

/**
 * A HubSpot webhook delivery announcing a new survey response. RECONSTRUCTED: the event fields of the
 * example payload on developers.hubspot.com/docs/api/webhooks (eventId, subscriptionId, portalId, appId,
 * occurredAt, subscriptionType, attemptNumber, objectId, changeSource) in the generic `object.creation` form
 * with the feedback submission object type (`0-19`) named in HubSpot's generic subscriptions changelog.
 */
export function hubspotFeedbackSubmissionCreated(objectIds: readonly string[] = ['11001']) {
  return objectIds.map((objectId, index) => ({
    eventId: 3816279340 + index,
    subscriptionId: 25,
    portalId: 33,
    appId: 1160452,
    occurredAt: 1733580000000,
    subscriptionType: 'object.creation',
    attemptNumber: 0,
    objectId: Number(objectId),
    objectTypeId: '0-19',
    changeFlag: 'CREATED',
    changeSource: 'FEEDBACK',
  }));
}

/**
 * `GET /crm/v3/objects/feedback_submissions/{id}` for an NPS response. RECONSTRUCTED: the object envelope of
 * HubSpot's CRM object API with the feedback submission properties its survey responses guide names.
 */
export function hubspotFeedbackSubmission(
  id: string,
  properties: Record<string, string | null> = {},
): Record<string, unknown> {
  return {
    id,
    properties: {
      hs_createdate: '2026-12-07T14:00:00.000Z',
      hs_lastmodifieddate: '2026-12-07T14:00:00.000Z',
      hs_object_id: id,
      hs_survey_type: 'NPS',
      hs_response_value: '3',
      hs_content: 'The renewal invoice was wrong twice and nobody called back.',
      hs_submission_timestamp: '2026-12-07T14:00:00.000Z',
      hs_sentiment: 'DETRACTOR',
      hs_survey_id: '2041',
      hs_survey_channel: 'EMAIL',
      ...properties,
    },
    createdAt: '2026-12-07T14:00:00.000Z',
    updatedAt: '2026-12-07T14:00:00.000Z',
    archived: false,
  };
}

/**
 * A Qualtrics event subscription's POST for `surveyengine.completedResponse.{SurveyID}`: form fields `Topic`,
 * `MSG` and `HMAC` (Qualtrics event subscriptions docs). The message is the one SAP's Kyma Qualtrics gateway
 * tests with (kyma-incubator/connector-tools, qualtrics-event-gw), with the response id as given.
 */
export function qualtricsCompletedResponseMessage(
  responseId = 'R_0B7IcnXszjEUHLP',
  surveyId = 'SV_1AmkKSDmoZ4XlQx',
) {
  return JSON.stringify({
    Status: 'Complete',
    SurveyID: surveyId,
    ResponseID: responseId,
    CompletedDate: '2019-06-25 07:58:25',
    BrandID: 'sapdevelopment',
  });
}

/**
 * `GET /API/v3/surveys/{surveyId}/responses/{responseId}`. RECONSTRUCTED: the documented `result.values` of a
 * single response (embedded fields, then answers by question id: an NPS question with its derived group and
 * a text entry).
 */
export function qualtricsResponse(responseId: string, values: Record<string, unknown> = {}) {
  return {
    result: {
      responseId,
      values: {
        startDate: '2019-06-25T07:55:12Z',
        endDate: '2019-06-25T07:58:25Z',
        status: 0,
        progress: 100,
        duration: 193,
        finished: 1,
        recordedDate: '2019-06-25T07:58:25.541Z',
        _recordId: responseId,
        distributionChannel: 'email',
        userLanguage: 'EN',
        externalDataReference: 'cust-7781',
        QID1: 4,
        QID1_NPS_GROUP: 1,
        QID2_TEXT: 'The app logs me out every time I switch accounts.',
        ...values,
      },
      labels: { status: 'IP Address', finished: 'True', QID1: '4', QID1_NPS_GROUP: 'Detractor' },
      displayedFields: ['QID1', 'QID2_TEXT'],
      displayedValues: {},
    },
    meta: { requestId: '2b6dd1a8-4c0b-4b0f-9d34-9a0c7e4e1c11', httpStatus: '200 - OK' },
  };
}
