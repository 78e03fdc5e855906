package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP to the running suite, as a client of its API and of waitecho. */
public final class JsonHttp {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: status, body, and the body parsed when it is JSON (else null). */
  public record Answer(int status, JsonNode json, String text) {}

  private JsonHttp() {}

  /**
   * @param key an API key sent as a Bearer token, or null
   * @param body a JSON body, or null for none
   */
  public static Answer call(String method, String url, String key, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      JsonNode json =
          !text.isEmpty() && (text.startsWith("{") || text.startsWith("["))
              ? JSON.readTree(text)
              : null;
      return new Answer(response.statusCode(), json, text);
    } catch (IOException e) {
      throw new LauncherException(method + " " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException("interrupted during " + method + " " + url);
    }
  }
}
