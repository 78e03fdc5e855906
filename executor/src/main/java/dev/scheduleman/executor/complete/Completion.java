package dev.scheduleman.executor.complete;

import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerUpdate;

/**
 * What a fired trigger leaves behind: its row's new state, and the attempt for the history.
 *
 * @param trigger the trigger as claimed, which the executor holds until this is written
 */
record Completion(ClaimedTrigger trigger, TriggerUpdate update, ExecutionRow attempt) {}
