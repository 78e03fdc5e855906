package dev.scheduleman.sdk.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scheduleman.sdk.api.BatchRequest;
import dev.scheduleman.sdk.api.DeadLetterDto;
import dev.scheduleman.sdk.api.ExecutionDto;
import dev.scheduleman.sdk.api.FlowLimitDto;
import dev.scheduleman.sdk.api.FlowLimitRequest;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.Page;
import dev.scheduleman.sdk.api.PreviewDto;
import dev.scheduleman.sdk.api.PreviewRequest;
import dev.scheduleman.sdk.api.Problem;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.SigningSecretDto;
import dev.scheduleman.sdk.api.SpecDto;
import dev.scheduleman.sdk.api.StatsDto;
import dev.scheduleman.sdk.api.TaskTypeDto;
import dev.scheduleman.sdk.api.TaskTypeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A small Java client of the Scheduleman REST API ({@code /api/v1}), for applications that set up
 * their schedules in code. Thread-safe; one instance per base URL and API key. A refused request
 * throws {@link SchedulemanException} with the API's problem document.
 */
public final class SchedulemanClient {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // Newer servers may add fields; an older client reads what it knows.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final URI api;
  private final String apiKey;
  private final HttpClient http;

  /**
   * @param baseUrl where crud-api answers, e.g. {@code https://scheduler.example.com}
   */
  public SchedulemanClient(URI baseUrl, String apiKey) {
    String base = baseUrl.toString();
    this.api = URI.create((base.endsWith("/") ? base : base + "/") + "api/v1/");
    this.apiKey = apiKey;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public ScheduleDto create(ScheduleDto schedule) {
    return send("POST", "schedules", schedule, null, ScheduleDto.class);
  }

  /** Creates once: a retry with the same key returns the schedule the first request created. */
  public ScheduleDto create(ScheduleDto schedule, String idempotencyKey) {
    return send("POST", "schedules", schedule, idempotencyKey, ScheduleDto.class);
  }

  /** Creates all or none (at most 1,000). */
  public List<ScheduleDto> createAll(List<ScheduleDto> schedules) {
    return send(
            "POST",
            "schedules/batch",
            new BatchRequest(schedules),
            null,
            new TypeReference<Items<ScheduleDto>>() {})
        .items();
  }

  /** Creates the schedule of that name or replaces it. */
  public ScheduleDto put(String name, ScheduleDto schedule) {
    return send("PUT", "schedules/by-name/" + encode(name), schedule, null, ScheduleDto.class);
  }

  public ScheduleDto get(UUID id) {
    return send("GET", "schedules/" + id, null, null, ScheduleDto.class);
  }

  /**
   * A page of schedules in creation order.
   *
   * @param query for example {@code "state=ACTIVE&name=report"}; null or empty for all
   * @param cursor the previous page's {@code nextCursor}, or null for the first page
   */
  public Page<ScheduleDto> list(String query, String cursor) {
    StringBuilder path = new StringBuilder("schedules?limit=100");
    if (query != null && !query.isEmpty()) {
      path.append('&').append(query);
    }
    if (cursor != null) {
      path.append("&cursor=").append(encode(cursor));
    }
    return send("GET", path.toString(), null, null, new TypeReference<Page<ScheduleDto>>() {});
  }

  public ScheduleDto replace(UUID id, ScheduleDto schedule) {
    return send("PUT", "schedules/" + id, schedule, null, ScheduleDto.class);
  }

  /** Applies a JSON merge patch, e.g. {@code {"schedule": {"cron": "0 4 * * *"}}}. */
  public ScheduleDto patch(UUID id, String mergePatch) {
    return send("PATCH", "schedules/" + id, new RawJson(mergePatch), null, ScheduleDto.class);
  }

  public void delete(UUID id) {
    send("DELETE", "schedules/" + id, null, null, Void.class);
  }

  public void deleteByName(String name) {
    send("DELETE", "schedules/by-name/" + encode(name), null, null, Void.class);
  }

  public ScheduleDto pause(UUID id) {
    return send("POST", "schedules/" + id + "/pause", null, null, ScheduleDto.class);
  }

  public ScheduleDto resume(UUID id) {
    return send("POST", "schedules/" + id + "/resume", null, null, ScheduleDto.class);
  }

  public ScheduleDto trigger(UUID id) {
    return send("POST", "schedules/" + id + "/trigger", null, null, ScheduleDto.class);
  }

  public ScheduleDto rearm(UUID id) {
    return send("POST", "schedules/" + id + "/rearm", null, null, ScheduleDto.class);
  }

  public PreviewDto next(UUID id, int count) {
    return send("GET", "schedules/" + id + "/next?count=" + count, null, null, PreviewDto.class);
  }

  /** Validates a spec and lists its next fire times; saves nothing. */
  public PreviewDto preview(SpecDto spec, int count) {
    return send(
        "POST", "schedules/preview", new PreviewRequest(spec, count), null, PreviewDto.class);
  }

  public Page<ExecutionDto> executions(UUID id, String cursor) {
    String path =
        "schedules/" + id + "/executions" + (cursor == null ? "" : "?cursor=" + encode(cursor));
    return send("GET", path, null, null, new TypeReference<Page<ExecutionDto>>() {});
  }

  public Page<DeadLetterDto> deadLetters(String cursor) {
    String path = "dead-letters" + (cursor == null ? "" : "?cursor=" + encode(cursor));
    return send("GET", path, null, null, new TypeReference<Page<DeadLetterDto>>() {});
  }

  public StatsDto stats() {
    return send("GET", "stats", null, null, StatsDto.class);
  }

  /** Declares or changes the limit on a flow key (the tenant's, across all executors). */
  public FlowLimitDto putFlowLimit(String key, FlowLimitRequest limit) {
    return send("PUT", "flow-limits/" + encode(key), limit, null, FlowLimitDto.class);
  }

  public FlowLimitDto flowLimit(String key) {
    return send("GET", "flow-limits/" + encode(key), null, null, FlowLimitDto.class);
  }

  public List<FlowLimitDto> flowLimits() {
    return send("GET", "flow-limits", null, null, new TypeReference<Items<FlowLimitDto>>() {})
        .items();
  }

  public void deleteFlowLimit(String key) {
    send("DELETE", "flow-limits/" + encode(key), null, null, Void.class);
  }

  public TaskTypeDto putTaskType(String name, TaskTypeRequest type) {
    return send("PUT", "task-types/" + encode(name), type, null, TaskTypeDto.class);
  }

  public TaskTypeDto taskType(String name) {
    return send("GET", "task-types/" + encode(name), null, null, TaskTypeDto.class);
  }

  public List<TaskTypeDto> taskTypes() {
    return send("GET", "task-types", null, null, new TypeReference<Items<TaskTypeDto>>() {})
        .items();
  }

  public void deleteTaskType(String name) {
    send("DELETE", "task-types/" + encode(name), null, null, Void.class);
  }

  public SigningSecretDto signingSecret() {
    return send("GET", "signing-secret", null, null, SigningSecretDto.class);
  }

  // ---------------------------------------------------------------------------------------------

  /** A body that is already JSON. */
  private record RawJson(String json) {}

  private <T> T send(
      String method, String path, Object body, String idempotencyKey, Class<T> type) {
    String text = exchange(method, path, body, idempotencyKey);
    if (type == Void.class || text.isEmpty()) {
      return null;
    }
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("unreadable answer to " + method + " " + path, e);
    }
  }

  private <T> T send(
      String method, String path, Object body, String idempotencyKey, TypeReference<T> type) {
    String text = exchange(method, path, body, idempotencyKey);
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("unreadable answer to " + method + " " + path, e);
    }
  }

  private String exchange(String method, String path, Object body, String idempotencyKey) {
    try {
      String json =
          body == null
              ? null
              : body instanceof RawJson raw ? raw.json() : JSON.writeValueAsString(body);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(api.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + apiKey)
              .header("Accept", "application/json")
              .method(
                  method,
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json));
      if (json != null) {
        request.header(
            "Content-Type",
            body instanceof RawJson ? "application/merge-patch+json" : "application/json");
      }
      if (idempotencyKey != null) {
        request.header("Idempotency-Key", idempotencyKey);
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new SchedulemanException(response.statusCode(), problem(response.body()));
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Problem problem(String body) {
    try {
      return body == null || body.isEmpty() ? null : JSON.readValue(body, Problem.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
