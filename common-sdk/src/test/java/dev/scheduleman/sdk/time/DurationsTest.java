package dev.scheduleman.sdk.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "30s, PT30S",
    "5m, PT5M",
    "1h30m, PT1H30M",
    "250ms, PT0.25S",
    "2d, PT48H",
    "1h0m5s, PT1H5S",
    "PT30S, PT30S",
    "pt1m, PT1M",
    "P1D, PT24H",
    "' 45s ', PT45S",
    "0s, PT0S"
  })
  void parsesCompactAndIsoForms(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"30", "5x", "1h30", "m5", "1.5s", "PT", "P1X", "30 s", "1m1h"})
  void rejectsTextThatIsNotADurationWithAnExample(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration")
        .hasMessageContaining("1h30m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-5s", "-PT5S"})
  void rejectsNegativeDurations(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("negative");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void rejectsEmptyText(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessage("must not be empty");
  }

  @ParameterizedTest
  @CsvSource({"PT1H30M, 1h30m", "PT0.25S, 250ms", "PT0S, 0s", "PT49H, 2d1h", "PT1M0.5S, 1m500ms"})
  void formatsCompactly(String iso, String compact) {
    assertThat(Durations.formatCompact(Duration.parse(iso))).isEqualTo(compact);
    assertThat(Durations.parse(compact)).isEqualTo(Duration.parse(iso));
  }
}
