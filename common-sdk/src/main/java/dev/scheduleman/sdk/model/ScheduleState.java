package dev.scheduleman.sdk.model;

/**
 * The life of a schedule: {@code ACTIVE} (a trigger is pending) ⇄ {@code PAUSED}, and then {@code
 * COMPLETED} (a one-off fired) or {@code DEAD} (a trigger ran out of retries). Updating a dead
 * schedule, or re-arming it, makes it active again.
 */
public enum ScheduleState {
  ACTIVE,
  PAUSED,
  COMPLETED,
  DEAD
}
