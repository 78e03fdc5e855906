package dev.scheduleman.quarkus;

import java.util.UUID;

/**
 * What a call of {@link Scheduleman} returns at once, before anything reached the API: a reference
 * to store in the application's own row, and to cancel the schedule by.
 *
 * @param value the schedule's name, or for an unnamed schedule the id of its outbox row (which
 *     {@link Scheduleman#cancel} and {@link Scheduleman#status} accept)
 * @param outboxId the row this call wrote
 */
public record ScheduleRef(String value, UUID outboxId) {}
