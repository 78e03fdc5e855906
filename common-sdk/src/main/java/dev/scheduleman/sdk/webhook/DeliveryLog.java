package dev.scheduleman.sdk.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * What a receiver got, for testing and measuring (waitecho, the benchmark's own receiver): every
 * delivery counted by its {@code webhook-id}, so duplicates show, and the lateness of each
 * trigger's first attempt against its {@code Scheduleman-Scheduled-For}. Thread-safe; memory grows
 * with the number of distinct ids (a few dozen bytes each).
 */
public final class DeliveryLog {

  private static final long MAX_LATENESS_MICROS = Duration.ofHours(1).toNanos() / 1000;

  /** One request as it arrived. */
  public record Delivery(
      String webhookId, String scheduleId, Instant scheduledFor, Integer attempt, Instant arrival) {

    /**
     * A request as Scheduleman sends it, read from its headers; a header that is missing or does
     * not parse is null.
     *
     * @param header a request's header by name, case-insensitive
     */
    public static Delivery of(Function<String, String> header, Instant arrival) {
      return new Delivery(
          header.apply(WebhookHeaders.ID),
          header.apply(WebhookHeaders.SCHEDULE_ID),
          instant(header.apply(WebhookHeaders.SCHEDULED_FOR)),
          integer(header.apply(WebhookHeaders.ATTEMPT)),
          arrival);
    }

    private static Instant instant(String value) {
      try {
        return value == null ? null : Instant.parse(value);
      } catch (DateTimeParseException e) {
        return null;
      }
    }

    private static Integer integer(String value) {
      try {
        return value == null ? null : Integer.valueOf(value);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** A recent request as shown by {@code GET /echo/recent}: what a receiver would see. */
  public record Received(
      String method, String path, Map<String, String> headers, String body, Instant arrival) {}

  private static final int RECENT = 100;
  private final java.util.ArrayDeque<Received> recentRequests = new java.util.ArrayDeque<>(RECENT);
  private final Map<String, AtomicInteger> ids = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong withoutId = new AtomicLong();
  private final AtomicLong signaturesValid = new AtomicLong();
  private final AtomicLong signaturesInvalid = new AtomicLong();
  private final AtomicLong early = new AtomicLong();
  private final AtomicLong mostEarlyMicros = new AtomicLong();
  private final AtomicReference<Instant> first = new AtomicReference<>();
  private final AtomicReference<Instant> last = new AtomicReference<>();
  private volatile ConcurrentHistogram lateness = newHistogram();

  /** Arrivals per 10 ms slot (epoch millis / 10), for the timeline of a benchmark. */
  private final Map<Long, Slot> arrivals = new ConcurrentHashMap<>();

  /** Arrivals in one 10 ms slot, and the worst lateness among their first attempts. */
  private static final class Slot {
    final AtomicInteger count = new AtomicInteger();
    final AtomicLong maxLatenessMicros = new AtomicLong(-1);
  }

  private static ConcurrentHistogram newHistogram() {
    return new ConcurrentHistogram(MAX_LATENESS_MICROS, 3);
  }

  public void record(Delivery delivery) {
    received.incrementAndGet();
    Slot slot = arrivals.computeIfAbsent(delivery.arrival().toEpochMilli() / 10, k -> new Slot());
    slot.count.incrementAndGet();
    first.compareAndSet(null, delivery.arrival());
    last.accumulateAndGet(delivery.arrival(), (a, b) -> a == null || b.isAfter(a) ? b : a);
    if (delivery.webhookId() == null) {
      withoutId.incrementAndGet();
      return;
    }
    int seen =
        ids.computeIfAbsent(delivery.webhookId(), k -> new AtomicInteger()).incrementAndGet();
    boolean firstAttempt = delivery.attempt() == null || delivery.attempt() == 1;
    if (seen == 1 && firstAttempt && delivery.scheduledFor() != null) {
      long micros = Duration.between(delivery.scheduledFor(), delivery.arrival()).toNanos() / 1000;
      if (micros < 0) {
        early.incrementAndGet();
        mostEarlyMicros.accumulateAndGet(-micros, Math::max);
      }
      long late = Math.max(0, Math.min(micros, MAX_LATENESS_MICROS));
      lateness.recordValue(late);
      slot.maxLatenessMicros.accumulateAndGet(late, Math::max);
    }
  }

  /** Keeps the last hundred requests, headers and body included, for people and tests to see. */
  public void keep(Received received) {
    synchronized (recentRequests) {
      if (recentRequests.size() == RECENT) {
        recentRequests.removeFirst();
      }
      recentRequests.addLast(received);
    }
  }

  /** The most recent requests, newest first. */
  public java.util.List<Received> recent(int limit) {
    synchronized (recentRequests) {
      java.util.List<Received> out = new java.util.ArrayList<>(recentRequests);
      java.util.Collections.reverse(out);
      return out.subList(0, Math.min(limit, out.size()));
    }
  }

  public void signature(boolean valid) {
    (valid ? signaturesValid : signaturesInvalid).incrementAndGet();
  }

  /** How often a given webhook-id arrived (0 when never). */
  public int count(String webhookId) {
    AtomicInteger n = ids.get(webhookId);
    return n == null ? 0 : n.get();
  }

  public void reset() {
    ids.clear();
    received.set(0);
    withoutId.set(0);
    signaturesValid.set(0);
    signaturesInvalid.set(0);
    early.set(0);
    mostEarlyMicros.set(0);
    first.set(null);
    last.set(null);
    arrivals.clear();
    synchronized (recentRequests) {
      recentRequests.clear();
    }
    lateness = newHistogram();
  }

  /** The statistics {@code GET /echo/stats} shows. */
  public Map<String, Object> stats() {
    long total = received.get();
    long unique = ids.size();
    long duplicates = total - withoutId.get() - unique;
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("received", total);
    stats.put("uniqueIds", unique);
    stats.put("duplicates", duplicates);
    stats.put("withoutId", withoutId.get());
    Instant from = first.get();
    Instant to = last.get();
    stats.put("firstArrival", from == null ? null : from.toString());
    stats.put("lastArrival", to == null ? null : to.toString());
    if (from != null && to != null && to.isAfter(from)) {
      double seconds = Duration.between(from, to).toNanos() / 1e9;
      stats.put("perSecond", Math.round(total / seconds * 10) / 10.0);
    }
    ConcurrentHistogram h = lateness;
    Map<String, Object> late = new LinkedHashMap<>();
    late.put("samples", h.getTotalCount());
    if (h.getTotalCount() > 0) {
      late.put("p50Ms", millis(h.getValueAtPercentile(50)));
      late.put("p90Ms", millis(h.getValueAtPercentile(90)));
      late.put("p99Ms", millis(h.getValueAtPercentile(99)));
      late.put("maxMs", millis(h.getMaxValue()));
    }
    stats.put("lateness", late);
    // First attempts that arrived before their scheduled instant, by this machine's clock.
    stats.put("early", Map.of("count", early.get(), "mostMs", millis(mostEarlyMicros.get())));
    stats.put(
        "signatures", Map.of("valid", signaturesValid.get(), "invalid", signaturesInvalid.get()));
    return stats;
  }

  /**
   * Arrivals per bucket from the first arrival to the last ({@code GET /echo/timeline}): what a
   * benchmark plots.
   */
  public Map<String, Object> timeline(Duration bucket) {
    long width = Math.max(1, bucket.toMillis() / 10);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bucketMs", width * 10);
    if (arrivals.isEmpty()) {
      out.put("start", null);
      out.put("counts", new long[0]);
      return out;
    }
    long from = arrivals.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
    long to = arrivals.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    int buckets = (int) Math.min(100_000, (to - from) / width + 1);
    long[] counts = new long[buckets];
    double[] maxLatenessMs = new double[buckets];
    java.util.Arrays.fill(maxLatenessMs, -1);
    arrivals.forEach(
        (key, slot) -> {
          int index = (int) ((key - from) / width);
          if (index < buckets) {
            counts[index] += slot.count.get();
            long late = slot.maxLatenessMicros.get();
            if (late >= 0) {
              maxLatenessMs[index] = Math.max(maxLatenessMs[index], millis(late));
            }
          }
        });
    out.put("start", Instant.ofEpochMilli(from * 10).toString());
    out.put("counts", counts);
    // -1 where no first attempt arrived in the bucket
    out.put("maxLatenessMs", maxLatenessMs);
    return out;
  }

  private static double millis(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }
}
