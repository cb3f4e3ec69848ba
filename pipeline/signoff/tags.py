"""The run tags by which `scorecard run --restate --reason TEXT --by PERSON` reaches the run."""

RESTATE_REASON_TAG = "scorecard/restate_reason"
RESTATED_BY_TAG = "scorecard/restated_by"
