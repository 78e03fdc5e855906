package dev.scheduleman.quarkus;

import java.util.UUID;

/**
 * What a call of {@link Scheduleman} returns at once, before anything reached the API: a reference
 * to store in the application's own row, and to cancel the schedule by.
 *
 * @param value the schedule's name, or for an unnamed schedule {@code outbox:} and the id of its
 *     outbox row (which {@link Scheduleman#cancel} accepts, as long as the application keeps it)
 * @param outboxId the row this call wrote, for {@link Scheduleman#status}
 */
public record ScheduleRef(String value, UUID outboxId) {

  /** The prefix of an unnamed schedule's reference. */
  public static final String UNNAMED_PREFIX = "outbox:";

  /** The reference of the unnamed schedule that the create in row {@code outboxId} makes. */
  public static String unnamed(UUID outboxId) {
    return UNNAMED_PREFIX + outboxId;
  }
}
