package dev.scheduleman.quarkus.relay;

import java.util.UUID;

/** What became of one row's request. */
sealed interface Answer {

  /** Done: the API did it, or there was nothing left to do (a cancelled schedule already gone). */
  record Done(int status, UUID scheduleId, boolean replayed, String note) implements Answer {}

  /** Refused for good (invalid, name taken): the row fails, with the API's problem. */
  record Refused(int status, String problem) implements Answer {}

  /** Not answered, or answered "later" (down, 5xx, 429, bad key): the row is sent again. */
  record Later(Integer status, String reason) implements Answer {}

  /** Another row about the same schedule must be answered first; not a failure of the API. */
  record Waiting(String reason) implements Answer {}
}
