package dev.scheduleman.sdk.target;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which webhook targets are allowed. Scheduleman calls URLs that users give it, from inside the
 * operator's network, so a target on a loopback, private, link-local or cloud metadata address
 * would let a user reach what only the operator should (server-side request forgery). Such targets
 * are refused when a schedule is written (for literal addresses and well-known local names, without
 * a DNS lookup) and again when it fires (for the address the name resolved to, which defeats DNS
 * rebinding), unless the deployment allows private targets (local runs and tests).
 */
public final class TargetAddresses {

  private static final Set<String> LOCAL_NAMES =
      Set.of("localhost", "localhost.localdomain", "metadata", "metadata.google.internal");
  private static final Set<String> LOCAL_SUFFIXES = Set.of(".localhost", ".internal", ".local");

  private final boolean allowPrivate;

  public TargetAddresses(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  public boolean allowPrivate() {
    return allowPrivate;
  }

  /**
   * Checks a target URL as written: an absolute http or https URL with a host, no user info, and
   * (unless private targets are allowed) a host that is not a private address or local name.
   *
   * @return what is wrong, or empty when the URL is acceptable
   */
  public Optional<String> checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL: " + e.getReason());
    }
    if (uri.getScheme() == null) {
      return Optional.of("needs a scheme: http:// or https://");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("scheme '" + uri.getScheme() + "' is not allowed; use http or https");
    }
    Optional<String> host = hostOf(uri);
    if (host.isEmpty()) {
      return Optional.of("needs a host name, as in https://example.com/hooks");
    }
    if (uri.getRawAuthority().contains("@")) {
      return Optional.of("must not carry a user name or password; use a header instead");
    }
    if (uri.getRawFragment() != null) {
      return Optional.of("must not have a fragment (#…)");
    }
    return checkHost(host.get());
  }

  /**
   * The host of a URL. {@link URI} leaves the host empty for names it does not consider host names
   * (an internationalized name, or an address in a short form such as {@code 127.1}), which HTTP
   * clients and resolvers still accept, so the host is then taken from the authority.
   */
  public static Optional<String> hostOf(URI uri) {
    if (uri.getHost() != null && !uri.getHost().isEmpty()) {
      return Optional.of(uri.getHost());
    }
    String authority = uri.getAuthority();
    if (authority == null || authority.isEmpty()) {
      return Optional.empty();
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    if (!host.startsWith("[")) {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        host = host.substring(0, colon);
      }
    }
    return host.isEmpty() ? Optional.empty() : Optional.of(host);
  }

  /**
   * Checks a host as written in a URL, without resolving it: literal addresses are checked, and so
   * are names that always mean this machine or a metadata service.
   *
   * @return what is wrong, or empty when the host is acceptable
   */
  public Optional<String> checkHost(String host) {
    if (allowPrivate) {
      return Optional.empty();
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    Optional<InetAddress> literal = literalAddress(name);
    if (literal.isPresent()) {
      return isPrivate(literal.get())
          ? Optional.of(
              "address "
                  + host
                  + " is loopback, private, link-local or otherwise not public; targets must be"
                  + " public")
          : Optional.empty();
    }
    String ascii;
    try {
      ascii = IDN.toASCII(name);
    } catch (IllegalArgumentException e) {
      return Optional.of("host '" + host + "' is not a valid host name");
    }
    if (LOCAL_NAMES.contains(ascii) || LOCAL_SUFFIXES.stream().anyMatch(ascii::endsWith)) {
      return Optional.of("host '" + host + "' is a local or internal name; targets must be public");
    }
    return Optional.empty();
  }

  /**
   * Checks an address a target resolved to, just before calling it.
   *
   * @return what is wrong, or empty when the address is acceptable
   */
  public Optional<String> checkResolved(InetAddress address) {
    if (allowPrivate || !isPrivate(address)) {
      return Optional.empty();
    }
    // Not the address itself: the message is stored where the tenant reads it, and must not tell
    // what names resolve to inside the operator's network.
    return Optional.of(
        "the target's host resolves to a loopback, private, link-local or otherwise not public"
            + " address; targets must be public");
  }

  /** True for every address that is not a public unicast address. */
  public static boolean isPrivate(InetAddress address) {
    if (address instanceof Inet4Address v4) {
      return isPrivateV4(v4.getAddress());
    }
    byte[] b = address.getAddress();
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return true; // unique local fc00::/7 (includes the fd00:ec2::254 metadata address)
    }
    if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return isPrivateV4(slice(b, 12)); // IPv4-mapped ::ffff:a.b.c.d
    }
    if (isZero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && isZero(b, 10, 12)) {
      return true; // IPv4-translated ::ffff:0:a.b.c.d (SIIT), never a public destination
    }
    if (isZero(b, 0, 12)) {
      return true; // IPv4-compatible (deprecated) and ::/96
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return isPrivateV4(slice(b, 2)); // 6to4 2002::/16 embeds an IPv4 address
    }
    if ((b[0] & 0xff) == 0x00
        && (b[1] & 0xff) == 0x64
        && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b
        && b[4] == 0
        && (b[5] & 0xff) == 0x01) {
      return true; // local-use NAT64 64:ff9b:1::/48 translates into the operator's own network
    }
    if ((b[0] & 0xff) == 0x00
        && (b[1] & 0xff) == 0x64
        && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b) {
      return isPrivateV4(slice(b, 12)); // NAT64 64:ff9b::/96
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
      return true; // Teredo 2001::/32 tunnels to arbitrary IPv4 hosts
    }
    return (b[0] & 0xff) == 0x20
        && (b[1] & 0xff) == 0x01
        && (b[2] & 0xff) == 0x0d
        && (b[3] & 0xff) == 0xb8; // documentation 2001:db8::/32
  }

  private static boolean isPrivateV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return a0 == 0 // this network
        || a0 == 10 // private
        || a0 == 127 // loopback
        || (a0 == 100 && a1 >= 64 && a1 <= 127) // carrier-grade NAT (also Alibaba's metadata)
        || (a0 == 169 && a1 == 254) // link-local, and the AWS/GCP/Azure metadata service
        || (a0 == 172 && a1 >= 16 && a1 <= 31) // private
        || (a0 == 192 && a1 == 0 && a2 == 0) // IETF protocol assignments
        || (a0 == 192 && a1 == 0 && a2 == 2) // documentation
        || (a0 == 192 && a1 == 88 && a2 == 99) // 6to4 relay anycast (deprecated)
        || (a0 == 192 && a1 == 168) // private
        || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking
        || (a0 == 198 && a1 == 51 && a2 == 100) // documentation
        || (a0 == 203 && a1 == 0 && a2 == 113) // documentation
        || a0 >= 224; // multicast, reserved and broadcast
  }

  /**
   * Parses a host that is a literal address, in every form a resolver would accept: dotted IPv4
   * with one to four parts in decimal, octal (leading 0) or hex (0x) as {@code inet_aton} reads
   * them ({@code 127.1}, {@code 0x7f.0.0.1}, {@code 2130706433}), or IPv6. Writing a loopback
   * address in an unusual form must not slip past the check.
   */
  static Optional<InetAddress> literalAddress(String host) {
    if (host.indexOf(':') >= 0) {
      try {
        InetAddress address = InetAddress.getByName(host); // an IPv6 literal: no lookup happens
        return address instanceof Inet6Address || address instanceof Inet4Address
            ? Optional.of(address)
            : Optional.empty();
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return parseIpv4(host).map(TargetAddresses::v4);
  }

  private static Optional<Long> parseIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length < 1 || parts.length > 4) {
      return Optional.empty();
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Optional<Long> value = parseNumber(parts[i]);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      values[i] = value.get();
    }
    long result = 0;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 255) {
        return Optional.empty();
      }
      result |= values[i] << (8 * (3 - i));
    }
    long last = values[values.length - 1];
    if (last >= 1L << (8 * (5 - values.length))) {
      return Optional.empty();
    }
    return Optional.of(result | last);
  }

  private static Optional<Long> parseNumber(String part) {
    if (part.isEmpty() || part.length() > 12) {
      return Optional.empty();
    }
    try {
      if (part.startsWith("0x") || part.startsWith("0X")) {
        return part.length() == 2
            ? Optional.of(0L)
            : Optional.of(Long.parseLong(part.substring(2), 16));
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return Optional.of(Long.parseLong(part.substring(1), 8));
      }
      if (!part.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      return Optional.of(Long.parseLong(part));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static InetAddress v4(long value) {
    byte[] bytes = {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] slice(byte[] b, int from) {
    return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
  }
}
