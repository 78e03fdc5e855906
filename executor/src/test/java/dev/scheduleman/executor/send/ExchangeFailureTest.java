package dev.scheduleman.executor.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One reading of a failed exchange feeds both what the history says and what the limit does. */
class ExchangeFailureTest {

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(
            new TimeoutException("idle"), "timed out after 3s", HostLimit.Signal.OVERLOADED),
        Arguments.of(
            new IOException("wrapped", new TimeoutException("The timeout period of 3000ms")),
            "timed out after 3s",
            HostLimit.Signal.OVERLOADED),
        Arguments.of(
            new IOException("Connection was closed"),
            "connection closed before an answer",
            HostLimit.Signal.OVERLOADED),
        Arguments.of(
            new ConnectException("Connection refused: /127.0.0.1:9"),
            "connection refused: Connection refused: /127.0.0.1:9",
            HostLimit.Signal.NONE),
        Arguments.of(
            new UnknownHostException("nowhere.invalid"),
            "unknown host nowhere.invalid",
            HostLimit.Signal.NONE),
        Arguments.of(
            new SSLHandshakeException("PKIX path building failed"),
            "TLS failed: PKIX path building failed",
            HostLimit.Signal.NONE),
        Arguments.of(new IOException(), "request failed", HostLimit.Signal.NONE));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void aFailureIsDescribedAndSignalledFromOneClassification(
      Throwable failure, String described, HostLimit.Signal signal) {
    assertThat(Exchange.describe(failure, Duration.ofSeconds(3))).isEqualTo(described);
    assertThat(Exchange.signalOf(failure)).isEqualTo(signal);
  }
}
