package dev.scheduleman.quarkus.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.quarkus.ScheduleRef;
import dev.scheduleman.quarkus.outbox.OutboxEntry;
import dev.scheduleman.sdk.api.ScheduleDto;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Sends one outbox row to the API and judges the answer. */
@ApplicationScoped
class Sender {

  private static final int MAX_ERROR_LENGTH = 2_000;

  private final SchedulemanApi api;
  private final ObjectMapper json;

  Sender(SchedulemanApi api, ObjectMapper json) {
    this.api = api;
    this.json = json;
  }

  /** Must run inside the relay's transaction (a cancel may read its create's row). */
  Answer send(OutboxEntry row) {
    return switch (row.operation) {
      case CREATE -> call(() -> api.create(row.id, schedule(row)), false);
      case PUT -> call(() -> api.putByName(row.scheduleRef, schedule(row)), false);
      case DELETE -> cancel(row);
    };
  }

  /**
   * A cancel: of an unnamed schedule by its reference ({@code outbox:} and its create's row, which
   * recorded the schedule's id), else by id, else by name. A reference in the form of an id may
   * also be a name (names may look like anything), so a 404 by id tries the name.
   */
  private Answer cancel(OutboxEntry row) {
    String ref = row.scheduleRef;
    if (ref.startsWith(ScheduleRef.UNNAMED_PREFIX)) {
      Optional<UUID> createId = uuid(ref.substring(ScheduleRef.UNNAMED_PREFIX.length()));
      OutboxEntry create = createId.map(id -> OutboxEntry.<OutboxEntry>findById(id)).orElse(null);
      if (create != null && create.operation == OutboxEntry.Operation.CREATE) {
        return switch (create.state) {
          case SENT ->
              create.scheduleId == null
                  ? new Answer.Refused(0, "its create's answer recorded no schedule id")
                  : call(() -> api.delete(create.scheduleId), true);
          case FAILED ->
              new Answer.Done(0, null, false, "nothing to cancel: the API refused its create");
          case PENDING -> new Answer.Waiting("its create has not been sent yet");
        };
      }
      if (createId.isPresent()) {
        return new Answer.Refused(
            0, "the outbox no longer holds the create of " + ref + "; nothing was cancelled");
      }
    }
    Optional<UUID> id = uuid(ref);
    if (id.isPresent()) {
      Answer byId = call(() -> api.delete(id.get()), false);
      if (!(byId instanceof Answer.Refused refused && refused.status() == 404)) {
        return byId;
      }
    }
    return call(() -> api.deleteByName(ref), true);
  }

  private Answer call(Supplier<Response> request, boolean goneIsDone) {
    Response answered;
    try {
      answered = request.get();
    } catch (WebApplicationException e) {
      answered = e.getResponse();
    } catch (ProcessingException e) {
      return new Answer.Later(null, "cannot reach the API: " + message(e));
    }
    try (Response response = answered) {
      int status = response.getStatus();
      if (status >= 200 && status < 300) {
        JsonNode body = status == 204 ? null : body(response);
        UUID scheduleId = body == null ? null : uuid(body.path("id").asText("")).orElse(null);
        boolean replayed = "true".equalsIgnoreCase(response.getHeaderString("Idempotent-Replayed"));
        return new Answer.Done(status, scheduleId, replayed, null);
      }
      String problem = problem(response);
      if (status == 404 && goneIsDone) {
        return new Answer.Done(status, null, false, "already gone");
      }
      if (status == 408
          || status == 425
          || status == 429
          || status >= 500
          || status == 401
          || status == 403) {
        // 401/403: a wrong or revoked key is the application's configuration to fix, not the
        // row's fault, so the row waits for the fix instead of failing.
        return new Answer.Later(status, status + " " + problem);
      }
      return new Answer.Refused(status, problem);
    }
  }

  private ScheduleDto schedule(OutboxEntry row) {
    try {
      return json.readValue(row.payload, ScheduleDto.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("outbox row " + row.id + " holds no schedule", e);
    }
  }

  private JsonNode body(Response response) {
    try {
      String text = response.readEntity(String.class);
      return text == null || text.isBlank() ? null : json.readTree(text);
    } catch (RuntimeException | JsonProcessingException e) {
      return null;
    }
  }

  /**
   * The problem as one line a person can act on: its field errors when it has them (its detail only
   * repeats the first), else its detail.
   */
  private String problem(Response response) {
    JsonNode body = body(response);
    if (body == null) {
      return "(no problem document)";
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode error : body.path("errors")) {
      text.append(text.isEmpty() ? "" : "; ")
          .append(error.path("field").asText())
          .append(": ")
          .append(error.path("message").asText());
    }
    if (text.isEmpty()) {
      text.append(body.path("detail").asText(body.path("title").asText("")));
    }
    return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString();
  }

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** A reference that is a UUID in its canonical form (UUID.fromString accepts more). */
  static Optional<UUID> uuid(String text) {
    return UUID_TEXT.matcher(text).matches()
        ? Optional.of(UUID.fromString(text))
        : Optional.empty();
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
