package dev.scheduleman.examples.events;

import dev.scheduleman.quarkus.OutboxStatus;
import dev.scheduleman.quarkus.ScheduleRef;
import dev.scheduleman.quarkus.Scheduleman;
import dev.scheduleman.sdk.model.Ids;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/**
 * {@code /events}: registering an event schedules its merge and its newsletter in the same
 * transaction. If anything fails after the calls (here: a title that is taken, found when the event
 * row is flushed), the transaction rolls back and nothing was scheduled.
 */
@Path("/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EventsResource {

  /** {@code POST /events}: {@code newsletterCron} is optional (Mondays at 09:00 UTC). */
  public record NewEvent(String title, String startsAt, String newsletterCron) {}

  /** An event, and where each of its calls to Scheduleman stands. */
  public record EventView(
      UUID id,
      String title,
      Instant startsAt,
      String mergeRef,
      String newsletterRef,
      Map<String, OutboxStatus> scheduling,
      Instant poolsMergedAt,
      int newslettersSent) {}

  private final Scheduleman scheduleman;
  private final Schedules schedules;

  public EventsResource(Scheduleman scheduleman, Schedules schedules) {
    this.scheduleman = scheduleman;
    this.schedules = schedules;
  }

  @POST
  @Transactional
  public Response create(NewEvent request) {
    Event event = new Event();
    event.id = Ids.newId();
    event.title = required(request == null ? null : request.title(), "title");
    event.startsAt = startsAt(request.startsAt());
    event.createdAt = Instant.now();

    ScheduleRef merge =
        scheduleman.replace(Schedules.mergeName(event), schedules.mergePools(event));
    ScheduleRef newsletter =
        scheduleman.schedule(schedules.newsletter(event, request.newsletterCron()));
    event.mergeRef = merge.value();
    event.mergeOutboxId = merge.outboxId();
    event.newsletterRef = newsletter.value();
    event.newsletterOutboxId = newsletter.outboxId();
    event.persist();
    try {
      Event.flush();
    } catch (PersistenceException e) {
      if (violates(e, "event_title_unique")) {
        // Rolled back with the transaction: the two calls above never happened.
        throw new WebApplicationException(
            problem(409, "an event titled '" + event.title + "' exists"));
      }
      throw e;
    }
    return Response.status(201).entity(view(event)).build();
  }

  @GET
  @Path("{id}")
  @Transactional
  public EventView get(@PathParam("id") UUID id) {
    return view(find(id));
  }

  @DELETE
  @Path("{id}")
  @Transactional
  public Response delete(@PathParam("id") UUID id) {
    Event event = find(id);
    scheduleman.cancel(event.mergeRef);
    scheduleman.cancel(event.newsletterRef);
    event.delete();
    return Response.noContent().build();
  }

  private static boolean violates(Throwable e, String constraint) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConstraintViolationException violation) {
        return constraint.equals(violation.getConstraintName());
      }
    }
    return false;
  }

  private static Event find(UUID id) {
    Event event = Event.findById(id);
    if (event == null) {
      throw new NotFoundException("no event " + id);
    }
    return event;
  }

  private EventView view(Event event) {
    Map<String, OutboxStatus> scheduling = new java.util.LinkedHashMap<>();
    scheduleman.status(event.mergeOutboxId).ifPresent(s -> scheduling.put("merge", s));
    scheduleman.status(event.newsletterOutboxId).ifPresent(s -> scheduling.put("newsletter", s));
    return new EventView(
        event.id,
        event.title,
        event.startsAt,
        event.mergeRef,
        event.newsletterRef,
        scheduling,
        event.poolsMergedAt,
        event.newslettersSent);
  }

  private static Instant startsAt(String text) {
    required(text, "startsAt");
    Instant startsAt;
    try {
      startsAt = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new WebApplicationException(
          problem(422, "startsAt: '" + text + "' is not an instant like 2027-03-01T18:00:00Z"));
    }
    if (!startsAt.isAfter(Instant.now())) {
      throw new WebApplicationException(problem(422, "startsAt: must be in the future"));
    }
    return startsAt;
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new WebApplicationException(problem(422, field + ": is required"));
    }
    return value;
  }

  private static Response problem(int status, String detail) {
    return Response.status(status)
        .type("application/problem+json")
        .entity(Map.of("status", status, "detail", detail))
        .build();
  }
}
