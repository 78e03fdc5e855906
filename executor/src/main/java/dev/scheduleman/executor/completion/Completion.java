package dev.scheduleman.executor.completion;

import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.TriggerUpdate;

/** What a fired trigger leaves behind: its row's new state, and the attempt for the history. */
public record Completion(TriggerUpdate update, ExecutionRow attempt) {}
