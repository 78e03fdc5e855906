package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;

/** The suite's waitecho as the benchmark's receiver: what a user's receiver would cost, or more. */
final class WaitechoReceiver implements Receiver {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServiceProcess waitecho;
  private final String echo;

  WaitechoReceiver(ServiceProcess waitecho) {
    this.waitecho = waitecho;
    this.echo = waitecho.url() + "/echo";
  }

  @Override
  public String url(String path) {
    return echo + path;
  }

  @Override
  public void checkSignatures(String secret) {
    call("PUT", "/signing-secret", secret);
  }

  @Override
  public void reset() {
    call("DELETE", "/stats", null);
  }

  @Override
  public JsonNode stats() {
    return call("GET", "/stats", null);
  }

  @Override
  public JsonNode timeline(Duration bucket) {
    return call("GET", "/timeline?bucket=" + bucket.toMillis() + "ms", null);
  }

  @Override
  public Optional<Long> pid() {
    return waitecho.pid();
  }

  private JsonNode call(String method, String path, String body) {
    JsonHttp.Answer answer = JsonHttp.call(method, echo + path, null, body);
    if (answer.status() >= 300) {
      throw new LauncherException(
          method + " " + echo + path + " answered " + answer.status() + ": " + answer.text());
    }
    return answer.json() == null ? JSON.createObjectNode() : answer.json();
  }

  @Override
  public void close() {
    // waitecho is the suite's; it stops with it.
  }
}
