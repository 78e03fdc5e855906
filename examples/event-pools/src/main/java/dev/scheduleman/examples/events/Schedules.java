package dev.scheduleman.examples.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.SpecDto;
import dev.scheduleman.sdk.api.TargetDto;
import dev.scheduleman.sdk.api.TaskTypeRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The two schedules an event gets, and the task type of the first. */
@ApplicationScoped
public class Schedules {

  public static final String MERGE_POOLS = "merge-pools";
  public static final String DEFAULT_NEWSLETTER = "0 9 * * 1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventsConfig config;

  public Schedules(EventsConfig config) {
    this.config = config;
  }

  /** The body of every merge: Scheduleman checks it against this schema when it is scheduled. */
  public static TaskTypeRequest mergePoolsType() {
    try {
      return new TaskTypeRequest(
          "Merge the pools of an event into one",
          JSON.readTree(
              """
              {"type": "object", "required": ["eventId"], "additionalProperties": false,
               "properties": {"eventId": {"type": "string", "minLength": 36, "maxLength": 36},
                              "title": {"type": "string", "maxLength": 200}}}
              """));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String mergeName(Event event) {
    return "event-" + event.id + "-merge-pools";
  }

  /** One day before the event (at once if that has passed): merge its pools. */
  public ScheduleDto mergePools(Event event) {
    String body =
        JSON.createObjectNode()
            .put("eventId", event.id.toString())
            .put("title", event.title)
            .toString();
    return ScheduleDto.request(
        mergeName(event),
        "Merge the pools of " + event.title,
        labels(event),
        SpecDto.at(later(event.startsAt.minus(Duration.ofDays(1)), Instant.now()).toString()),
        TargetDto.post(hook("/hooks/merge-pools"), body).withTaskType(MERGE_POOLS),
        null);
  }

  /** Weekly until the event starts: the newsletter (an unnamed schedule, known by reference). */
  public ScheduleDto newsletter(Event event, String cron) {
    String body = JSON.createObjectNode().put("eventId", event.id.toString()).toString();
    return ScheduleDto.request(
        null,
        "Weekly newsletter of " + event.title,
        labels(event),
        SpecDto.cron(cron == null ? DEFAULT_NEWSLETTER : cron, "UTC")
            .within(null, event.startsAt.toString(), null),
        TargetDto.post(hook("/hooks/newsletter"), body),
        null);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Map<String, String> labels(Event event) {
    return Map.of("app", "event-pools", "event", event.id.toString());
  }

  private String hook(String path) {
    return config.hooksUrl().resolve(path).toString();
  }
}
