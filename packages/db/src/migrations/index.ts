import type { Migration } from 'kysely';
import * as foundation from './20261123T1130_foundation.js';
import * as sourceAdapters from './20261123T1200_source_adapters.js';
import * as triage from './20261123T1215_triage.js';
import * as surveys from './20261123T1310_surveys.js';
import * as aggregation from './20261123T1330_aggregation.js';
import * as sessions from './20261123T1400_sessions.js';
import * as sourceVendorToken from './20261123T1420_source_vendor_token.js';
import * as deliveryLogRing from './20261123T1430_delivery_log_ring.js';
import * as windowRollups from './20261123T1500_window_rollups.js';
import * as rollupUnitIndexes from './20261123T1510_rollup_unit_indexes.js';
import * as topicRollupWithoutChannel from './20261123T1520_topic_rollup_without_channel.js';
import * as channelRollup from './20261123T1530_channel_rollup.js';
import * as settledRollupRevision from './20261123T1700_settled_rollup_revision.js';
import * as feedbackByMonth from './20261124T0900_feedback_by_month.js';
import * as caseResolutionRollup from './20261207T2200_case_resolution_rollup.js';
import * as scoreRecorded from './20261207T2201_score_recorded.js';
import * as assessments from './20261207T2210_assessments.js';
import * as journey from './20261207T2211_journey.js';
import * as surveyAnonymity from './20261207T2230_survey_anonymity.js';
import * as textSettings from './20261207T2250_text_settings.js';
import * as outcomes from './20261207T2300_outcomes.js';
import * as vendorFetches from './20261207T2330_vendor_fetches.js';
import * as actionItems from './20261208T0100_action_items.js';
import * as actionNotices from './20261208T0110_action_notices.js';
import * as caseTopicRollup from './20261208T0200_case_topic_rollup.js';
import * as dropCustomerValueCount from './20261208T0201_drop_customer_value_count.js';
import * as sourceImportedCount from './20261208T0300_source_imported_count.js';
import * as moreVendorAdapters from './20261208T0310_more_vendor_adapters.js';
import * as responderWorkday from './20261208T0400_responder_workday.js';
import * as feedbackSearch from './20261208T0500_feedback_search.js';
import * as occurredDayRollups from './20261208T0510_occurred_day_rollups.js';
import * as topicTaxonomy from './20261208T0600_topic_taxonomy.js';

/**
 * Every migration, keyed by a timestamped name that sorts in the order they must run. Listed statically
 * (not discovered on disk) so the migrator works the same under tsx, a bundle or a container image.
 * Add new files here; never edit one that has been applied.
 */
export const migrations: Record<string, Migration> = {
  '20261123T1130_foundation': foundation,
  '20261123T1200_source_adapters': sourceAdapters,
  '20261123T1215_triage': triage,
  '20261123T1310_surveys': surveys,
  '20261123T1330_aggregation': aggregation,
  '20261123T1400_sessions': sessions,
  '20261123T1420_source_vendor_token': sourceVendorToken,
  '20261123T1430_delivery_log_ring': deliveryLogRing,
  '20261123T1500_window_rollups': windowRollups,
  '20261123T1510_rollup_unit_indexes': rollupUnitIndexes,
  '20261123T1520_topic_rollup_without_channel': topicRollupWithoutChannel,
  '20261123T1530_channel_rollup': channelRollup,
  '20261123T1700_settled_rollup_revision': settledRollupRevision,
  '20261124T0900_feedback_by_month': feedbackByMonth,
  '20261207T2200_case_resolution_rollup': caseResolutionRollup,
  '20261207T2201_score_recorded': scoreRecorded,
  '20261207T2210_assessments': assessments,
  '20261207T2211_journey': journey,
  '20261207T2230_survey_anonymity': surveyAnonymity,
  '20261207T2250_text_settings': textSettings,
  '20261207T2300_outcomes': outcomes,
  '20261207T2330_vendor_fetches': vendorFetches,
  '20261208T0100_action_items': actionItems,
  '20261208T0110_action_notices': actionNotices,
  '20261208T0200_case_topic_rollup': caseTopicRollup,
  '20261208T0201_drop_customer_value_count': dropCustomerValueCount,
  '20261208T0300_source_imported_count': sourceImportedCount,
  '20261208T0310_more_vendor_adapters': moreVendorAdapters,
  '20261208T0400_responder_workday': responderWorkday,
  '20261208T0500_feedback_search': feedbackSearch,
  '20261208T0510_occurred_day_rollups': occurredDayRollups,
  '20261208T0600_topic_taxonomy': topicTaxonomy,
};
