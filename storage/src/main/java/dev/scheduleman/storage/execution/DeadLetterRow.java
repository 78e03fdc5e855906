package dev.scheduleman.storage.execution;

import dev.scheduleman.sdk.model.ScheduleState;

/**
 * A trigger that ran out of retries: its last attempt, and the schedule it belongs to as it is now
 * (its name and state; a schedule with {@code onExhausted=continue} may be active again).
 */
public record DeadLetterRow(ExecutionRow lastAttempt, String scheduleName, ScheduleState state) {}
