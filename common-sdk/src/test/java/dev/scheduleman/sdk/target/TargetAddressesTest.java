package dev.scheduleman.sdk.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetAddressesTest {

  private final TargetAddresses strict = new TargetAddresses(false);
  private final TargetAddresses lenient = new TargetAddresses(true);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/hooks",
        "http://example.com:8080/a?b=c",
        "https://93.184.215.14/x",
        "https://[2606:4700::1111]/x",
        "HTTPS://Example.COM/",
        "https://bücher.example/x"
      })
  void publicHttpTargetsAreAccepted(String url) {
    assertThat(strict.checkUrl(url)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://0/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://100.100.100.200/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://[2002:7f00:1::]/",
        "http://localhost:8080/",
        "http://api.localhost/",
        "http://metadata.google.internal/",
        "http://printer.local/",
        "http://localhost./",
        // ranges a review found (each was checked to pass before the fix, where it was missing)
        "http://[::ffff:0:7f00:1]/",
        "http://[::ffff:0:a00:1]/",
        "http://[64:ff9b:1::a00:1]/",
        "http://[64:ff9b:1::808:808]/",
        "http://192.88.99.1/",
        "http://0.1.2.3/",
        "http://198.18.0.1/",
        "http://198.19.255.254/",
        "http://224.0.0.251/",
        "http://239.255.255.250/",
        "http://[ff02::1]/",
        "http://[ff0e::1]/"
      })
  void privateLoopbackAndMetadataTargetsAreRefused(String url) {
    assertThat(strict.checkUrl(url)).get().asString().contains("public");
  }

  @Test
  void privateTargetsAreAcceptedWhenAllowed() {
    assertThat(lenient.checkUrl("http://127.0.0.1:8090/echo")).isEmpty();
    assertThat(lenient.checkUrl("http://localhost/")).isEmpty();
  }

  @Test
  void onlyHttpAndHttpsWithAHostAreAccepted() {
    assertThat(lenient.checkUrl("ftp://example.com/file")).get().asString().contains("ftp");
    assertThat(lenient.checkUrl("example.com/hooks")).get().asString().contains("scheme");
    assertThat(lenient.checkUrl("https:///path")).get().asString().contains("host");
    assertThat(lenient.checkUrl("https://user:pw@example.com/")).get().asString().contains("user");
    assertThat(lenient.checkUrl("https://exa mple.com/")).get().asString().contains("not a valid");
    assertThat(lenient.checkUrl("https://example.com/#frag")).get().asString().contains("fragment");
  }

  @Test
  void resolvedAddressesAreCheckedAtFireTime() throws Exception {
    assertThat(strict.checkResolved(InetAddress.getByName("10.0.0.7")))
        .get()
        .asString()
        .contains("not public")
        .as("the refusal, stored where the tenant reads it, does not tell the address")
        .doesNotContain("10.0.0.7");
    assertThat(strict.checkResolved(InetAddress.getByName("8.8.8.8"))).isEmpty();
    assertThat(lenient.checkResolved(InetAddress.getByName("10.0.0.7"))).isEmpty();
  }

  @Test
  void hostNamesThatLookNumericButAreNotAddressesAreNames() {
    assertThat(TargetAddresses.literalAddress("1.2.3.4.5")).isEmpty();
    assertThat(TargetAddresses.literalAddress("256.1.1.1")).isEmpty();
    assertThat(TargetAddresses.literalAddress("example.com")).isEmpty();
    assertThat(TargetAddresses.literalAddress("1.256"))
        .get()
        .extracting(InetAddress::getHostAddress)
        .isEqualTo("1.0.1.0");
  }
}
