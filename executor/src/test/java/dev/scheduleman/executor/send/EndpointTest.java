package dev.scheduleman.executor.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  void takesTheUrlApartAsTheRequestNeedsIt() throws Exception {
    Endpoint e = Endpoint.parse("HTTPS://Example.com/a%20b/c?x=1&y=%2F#frag");
    assertThat(e.host()).isEqualTo("Example.com");
    assertThat(e.port()).isEqualTo(443);
    assertThat(e.ssl()).isTrue();
    assertThat(e.requestUri()).isEqualTo("/a%20b/c?x=1&y=%2F");
    assertThat(e.slot()).isEqualTo("https://Example.com:443");
  }

  @Test
  void anEmptyPathIsTheRootAndAWrittenPortWins() throws Exception {
    Endpoint e = Endpoint.parse("http://127.0.0.1:8089?q");
    assertThat(e.requestUri()).isEqualTo("/?q");
    assertThat(e.port()).isEqualTo(8089);
    assertThat(e.ssl()).isFalse();
    assertThat(Endpoint.parse("http://[::1]/").host()).isEqualTo("[::1]");
  }

  @Test
  void aStoredUrlThatCannotBeCalledSaysWhy() {
    assertThatThrownBy(() -> Endpoint.parse("http://bad host/"))
        .hasMessageContaining("stored URL is invalid");
    assertThatThrownBy(() -> Endpoint.parse("ftp://example.com/"))
        .hasMessageContaining("not http or https");
    assertThatThrownBy(() -> Endpoint.parse("http:///path")).hasMessageContaining("no host");
  }

  @Test
  void theCacheParsesEachUrlOnceAndStaysBounded() throws Exception {
    Endpoint.Cache cache = new Endpoint.Cache(2);
    Endpoint first = cache.of("http://a.example/");
    assertThat(cache.of("http://a.example/")).isSameAs(first);
    cache.of("http://b.example/");
    cache.of("http://c.example/");
    assertThat(cache.of("http://c.example/").host()).isEqualTo("c.example");
  }
}
