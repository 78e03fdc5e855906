package dev.scheduleman.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoredTextTest {

  @Test
  void nulAndOtherControlCharactersBecomeReplacementCharacters() {
    assertThat(StoredText.clean("ok\u0000\u0007 done\ttab\nline", 100))
        .isEqualTo("ok\uFFFD\uFFFD done\ttab\nline");
  }

  @Test
  void anUnpairedSurrogateIsReplacedAndAPairIsKept() {
    assertThat(StoredText.clean("a\uD800b \uD83D\uDE00", 100)).isEqualTo("a\uFFFDb \uD83D\uDE00");
  }

  @Test
  void aLongTextIsCutWithoutSplittingACharacter() {
    String text = "\uD83D\uDE00".repeat(10);
    String cut = StoredText.clean(text, 4);
    assertThat(cut).isEqualTo("\uD83D\uDE00".repeat(3) + "…");
    assertThat(cut.codePointCount(0, cut.length())).isEqualTo(4);
    assertThat(StoredText.clean("short", 5)).isEqualTo("short");
    assertThat(StoredText.clean(null, 5)).isNull();
  }
}
