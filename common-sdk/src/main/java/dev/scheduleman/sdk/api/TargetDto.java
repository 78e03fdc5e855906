package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The request a schedule makes: {@code method} defaults to POST, {@code timeout} to 3 s. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetDto(
    String url, String method, Map<String, String> headers, String body, String timeout) {

  public static TargetDto post(String url, String body) {
    return new TargetDto(url, "POST", null, body, null);
  }
}
