package dev.scheduleman.api.audit;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Where the current request came from, for the audit log: the client's address as the HTTP server
 * saw it (behind a proxy, the proxy's unless {@code quarkus.http.proxy.proxy-address-forwarding} is
 * on) and its User-Agent, cut to a length a log can hold.
 */
@RequestScoped
public class RequestOrigin {

  static final int MAX_USER_AGENT = 200;

  private String address;
  private String userAgent;

  @ServerRequestFilter(preMatching = true)
  void capture(HttpServerRequest request) {
    address = request.remoteAddress() == null ? null : request.remoteAddress().host();
    String agent = request.getHeader(HttpHeaders.USER_AGENT);
    userAgent = agent == null ? null : printable(agent);
  }

  public String address() {
    return address;
  }

  public String userAgent() {
    return userAgent;
  }

  private static String printable(String text) {
    StringBuilder kept = new StringBuilder();
    text.codePoints()
        .filter(c -> c >= 0x20 && c != 0x7f)
        .limit(MAX_USER_AGENT)
        .forEach(kept::appendCodePoint);
    return kept.toString();
  }
}
