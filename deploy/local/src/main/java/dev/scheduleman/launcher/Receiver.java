package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the benchmark's webhooks go, and what it learns from there: deliveries by {@code
 * webhook-id} (so duplicates show), the lateness of first attempts, arrivals over time. The JSON
 * shapes are waitecho's {@code /echo/stats} and {@code /echo/timeline}.
 */
interface Receiver extends AutoCloseable {

  /** The URL the benchmark's schedules target; {@code path} is appended. */
  String url(String path);

  /** Has every signature checked against {@code secret}, where the receiver can do so. */
  void checkSignatures(String secret);

  /** Forgets everything received so far. */
  void reset();

  JsonNode stats();

  JsonNode timeline(Duration bucket);

  /** The receiver's own process, when it is not the benchmark's (for its CPU time). */
  Optional<Long> pid();

  @Override
  void close();
}
