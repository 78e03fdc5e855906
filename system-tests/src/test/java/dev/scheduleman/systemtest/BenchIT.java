package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.launcher.Console;
import dev.scheduleman.launcher.Scheduleman;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./scheduleman bench} end to end, small: the suite's real processes, its light receiver,
 * and the cost it reports (CPU per process from the operating system, statements from PostgreSQL).
 */
class BenchIT {

  @TempDir Path stateDir;

  @AfterEach
  void restoreConsole() {
    Console.redirect(System.out);
  }

  @Test
  void benchDeliversEverythingToItsLightReceiverAndReportsWhatEachProcessCost() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Console.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit =
        new CommandLine(new Scheduleman())
            .execute(
                "bench",
                "--schedules=400",
                "--warmup=0",
                "--executors=1",
                "--state-dir=" + stateDir,
                "--db-port=" + FreePorts.one(),
                "--api-port=" + FreePorts.one(),
                "--executor-port=" + FreePorts.one(),
                "--waitecho-port=" + FreePorts.one());
    String out = captured.toString(StandardCharsets.UTF_8);
    System.out.println(out);

    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("delivered     400 of 400 (missing 0)")
        .contains("duplicates    0")
        .contains("receiver      light");
    // Every process is measured, and the ones that did the work used CPU.
    assertThat(seconds(out, "postgres")).isPositive();
    assertThat(seconds(out, "executor-1")).isPositive();
    assertThat(seconds(out, "receiver")).isPositive();
    assertThat(out).containsPattern("crud-api +[0-9.]+ s");
    // The statements come from pg_stat_statements: each delivery was claimed and completed.
    Matcher sql =
        Pattern.compile("SQL +([0-9.]+) statements and ([0-9.]+) transactions").matcher(out);
    assertThat(sql.find()).as(out).isTrue();
    assertThat(Double.parseDouble(sql.group(1))).isPositive();
    assertThat(out).contains("UPDATE schedule").contains("INSERT INTO execution");
  }

  private static double seconds(String out, String process) {
    Matcher m = Pattern.compile("\\n +" + Pattern.quote(process) + " +([0-9.]+) s ").matcher(out);
    assertThat(m.find()).as(process + " in:\n" + out).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
