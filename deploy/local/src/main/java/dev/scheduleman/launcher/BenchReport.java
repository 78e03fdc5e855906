package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduleman.sdk.time.Durations;
import java.time.Duration;
import java.util.Locale;

/** The benchmark's report: the figures and a bar chart of arrivals per 100 ms, as one HTML file. */
final class BenchReport {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 300;

  private BenchReport() {}

  static String html(
      int schedules, int executors, Duration spread, JsonNode stats, JsonNode timeline) {
    JsonNode counts = timeline.path("counts");
    long bucketMs = timeline.path("bucketMs").asLong(100);
    long max = 1;
    for (JsonNode n : counts) {
      max = Math.max(max, n.asLong());
    }
    int bars = Math.max(1, counts.size());
    double barWidth = (double) WIDTH / bars;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' role='img'"
                + " aria-label='deliveries per %d ms'>",
            WIDTH + 60,
            HEIGHT + 40,
            bucketMs));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='50' y1='%d' x2='%d' y2='%d' stroke='#444'/>",
            HEIGHT,
            WIDTH + 50,
            HEIGHT));
    for (int i = 0; i < counts.size(); i++) {
      long n = counts.get(i).asLong();
      double h = (double) n / max * (HEIGHT - 10);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='#3b6ea5'><title>%d ms: %d</title></rect>",
              50 + i * barWidth,
              HEIGHT - h,
              Math.max(0.5, barWidth - 0.5),
              h,
              i * bucketMs,
              n));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='0' y='12' font-size='12'>%d</text><text x='50' y='%d' font-size='12'>0 s</text>"
                + "<text x='%d' y='%d' font-size='12' text-anchor='end'>%.1f s</text></svg>",
            max * 1000 / bucketMs,
            HEIGHT + 16,
            WIDTH + 50,
            HEIGHT + 16,
            bars * bucketMs / 1000.0));
    JsonNode lateness = stats.path("lateness");
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Scheduleman benchmark</title>
        <style>body{font:14px system-ui,sans-serif;margin:2em}td{padding:2px 12px}</style></head>
        <body><h1>Scheduleman benchmark</h1>
        <table>
        <tr><td>schedules</td><td>%d</td></tr>
        <tr><td>executors</td><td>%d</td></tr>
        <tr><td>fire times</td><td>%s</td></tr>
        <tr><td>delivered (unique)</td><td>%d</td></tr>
        <tr><td>duplicates</td><td>%d</td></tr>
        <tr><td>deliveries per second</td><td>%s</td></tr>
        <tr><td>lateness p50 / p90 / p99 / max</td><td>%s / %s / %s / %s ms</td></tr>
        </table>
        <h2>Deliveries per second (bars, left scale) and worst lateness (line, right scale), in
        %d ms buckets, from the first arrival</h2>
        %s
        </body></html>
        """
        .formatted(
            schedules,
            executors,
            spread.isZero() ? "all at once" : "spread over " + Durations.formatCompact(spread),
            stats.path("uniqueIds").asLong(),
            stats.path("duplicates").asLong(),
            stats.path("perSecond").asText("-"),
            lateness.path("p50Ms").asText("-"),
            lateness.path("p90Ms").asText("-"),
            lateness.path("p99Ms").asText("-"),
            lateness.path("maxMs").asText("-"),
            bucketMs,
            svg);
  }
}
