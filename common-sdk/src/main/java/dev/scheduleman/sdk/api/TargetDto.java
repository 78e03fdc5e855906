package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The request a schedule makes: {@code method} defaults to POST, {@code timeout} to 3 s; {@code
 * flowKey} names the flow limit that paces it (by default {@code host:} and the URL's host); {@code
 * taskType} names a task type of the tenant's, whose JSON Schema the body must satisfy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetDto(
    String url,
    String method,
    Map<String, String> headers,
    String body,
    String timeout,
    String flowKey,
    String taskType) {

  /** An untyped target (the form before task types). */
  public TargetDto(
      String url,
      String method,
      Map<String, String> headers,
      String body,
      String timeout,
      String flowKey) {
    this(url, method, headers, body, timeout, flowKey, null);
  }

  public static TargetDto post(String url, String body) {
    return new TargetDto(url, "POST", null, body, null, null, null);
  }

  /** This target, paced by the given flow key. */
  public TargetDto withFlowKey(String key) {
    return new TargetDto(url, method, headers, body, timeout, key, taskType);
  }

  /** This target, with a body of the given task type. */
  public TargetDto withTaskType(String type) {
    return new TargetDto(url, method, headers, body, timeout, flowKey, type);
  }
}
