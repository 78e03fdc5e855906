package dev.scheduleman.executor.send;

import dev.scheduleman.sdk.target.TargetAddresses;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stored target URL taken apart once for every request that goes to it: the host (as written,
 * brackets kept for an IPv6 literal), the port (the scheme's when none is written), whether it is
 * TLS, the request's path and query exactly as stored, and the key of the host's connections.
 *
 * @param slot the key of this executor's connections to the host: scheme, host and port
 */
record Endpoint(String host, int port, boolean ssl, String requestUri, String slot) {

  /** Why a stored URL cannot be called (it passed the API's checks, so only old rows get here). */
  static final class Unusable extends Exception {
    Unusable(String reason) {
      super(reason, null, false, false);
    }
  }

  static Endpoint parse(String url) throws Unusable {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new Unusable("stored URL is invalid: " + url);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Unusable("stored URL is not http or https: " + url);
    }
    Optional<String> host = TargetAddresses.hostOf(uri);
    if (host.isEmpty()) {
      throw new Unusable("stored URL has no host");
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return new Endpoint(
        host.get(), port, ssl, requestUri, scheme + "://" + host.get() + ":" + port);
  }

  /**
   * The endpoints of the URLs this executor sends to, each parsed once. Bounded: past {@code
   * capacity} distinct URLs it starts afresh (a parse costs microseconds; what it saves is doing it
   * for every request to the same few targets).
   */
  static final class Cache {

    private final int capacity;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    Cache(int capacity) {
      this.capacity = capacity;
    }

    Endpoint of(String url) throws Unusable {
      Endpoint known = endpoints.get(url);
      if (known != null) {
        return known;
      }
      Endpoint parsed = parse(url);
      if (endpoints.size() >= capacity) {
        endpoints.clear();
      }
      endpoints.put(url, parsed);
      return parsed;
    }
  }
}
