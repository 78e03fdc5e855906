package dev.scheduleman.executor.complete;

import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerUpdate;

/**
 * What a fired trigger leaves behind: its row's new state, and the attempt for the history.
 *
 * @param delivery how the attempt ended (its trigger is held until this is written)
 * @param attempt the attempt for the history; null for a skipped occurrence, which was not sent
 */
record Completion(Delivery delivery, TriggerUpdate update, ExecutionRow attempt) {

  ClaimedTrigger trigger() {
    return delivery.trigger();
  }
}
