package dev.scheduleman.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.api.FlowLimitDto;
import dev.scheduleman.sdk.api.FlowLimitRequest;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.SpecDto;
import dev.scheduleman.sdk.api.TargetDto;
import dev.scheduleman.sdk.api.TaskTypeDto;
import dev.scheduleman.sdk.api.TaskTypeRequest;
import dev.scheduleman.sdk.client.SchedulemanClient;
import dev.scheduleman.sdk.client.SchedulemanException;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The SDK's Java client against the real API. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ClientTest {

  @TestHTTPResource("/")
  URL base;

  private static ScheduleDto nightly(String name) {
    return ScheduleDto.request(
        name,
        null,
        Map.of("team", "billing"),
        SpecDto.cron("0 3 * * *", "Europe/Berlin"),
        TargetDto.post(Api.TARGET, "{}"),
        null);
  }

  @Test
  void managesSchedulesThroughTheApi() throws Exception {
    SchedulemanClient client = new SchedulemanClient(base.toURI(), Api.newTenant());

    ScheduleDto created = client.create(nightly("client-made"), "key-1");
    assertThat(client.create(nightly("client-made"), "key-1").id()).isEqualTo(created.id());
    assertThat(created.summary()).isEqualTo("every day at 03:00 (Europe/Berlin)");
    assertThat(client.get(created.id()).nextFireAt()).isEqualTo(created.nextFireAt());
    assertThat(client.createAll(List.of(nightly("b1"), nightly("b2")))).hasSize(2);
    assertThat(client.list("label=team:billing", null).items()).hasSize(3);

    ScheduleDto patched = client.patch(created.id(), "{\"schedule\": {\"every\": \"5m\"}}");
    assertThat(patched.schedule().every()).isEqualTo("PT5M");
    assertThat(client.pause(created.id()).state()).isEqualTo("PAUSED");
    assertThat(client.resume(created.id()).state()).isEqualTo("ACTIVE");
    assertThat(client.next(created.id(), 3).nextFireTimes()).hasSize(3);
    assertThat(client.preview(SpecDto.every("1h", null), 2).nextFireTimes()).hasSize(2);
    assertThat(client.executions(created.id(), null).items()).isEmpty();
    assertThat(client.stats().schedules()).containsEntry("ACTIVE", 3L);
    assertThat(client.signingSecret().secret()).startsWith("whsec_");
    assertThat(client.putFlowLimit("host:example.com", FlowLimitRequest.rate(5, 10)).burst())
        .isEqualTo(10);
    assertThat(client.flowLimit("host:example.com").schedules()).isEqualTo(3);
    assertThat(client.flowLimits())
        .extracting(FlowLimitDto::key)
        .containsExactly("host:example.com");
    client.deleteFlowLimit("host:example.com");
    assertThat(client.flowLimits()).isEmpty();
    var schema = new ObjectMapper().readTree("{\"type\": \"object\"}");
    assertThat(client.putTaskType("report", new TaskTypeRequest("reports", schema)).bodySchema())
        .isEqualTo(schema);
    assertThat(client.taskType("report").description()).isEqualTo("reports");
    assertThat(client.taskTypes()).extracting(TaskTypeDto::name).containsExactly("report");
    client.deleteTaskType("report");
    assertThat(client.taskTypes()).isEmpty();
    client.delete(created.id());

    assertThatThrownBy(() -> client.get(created.id()))
        .isInstanceOfSatisfying(
            SchedulemanException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void refusedRequestCarriesTheProblemWithItsFieldErrors() throws Exception {
    SchedulemanClient client = new SchedulemanClient(URI.create(base.toString()), Api.newTenant());
    ScheduleDto bad =
        ScheduleDto.request(
            null,
            null,
            null,
            SpecDto.cron("61 * * * *", null),
            TargetDto.post(Api.TARGET, null),
            null);

    assertThatThrownBy(() -> client.create(bad))
        .isInstanceOfSatisfying(
            SchedulemanException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.problem().errors())
                  .extracting(f -> f.field())
                  .containsExactly("schedule.cron");
            });
    assertThatThrownBy(() -> new SchedulemanClient(base.toURI(), "sk_wrong").get(UUID.randomUUID()))
        .isInstanceOfSatisfying(
            SchedulemanException.class, e -> assertThat(e.status()).isEqualTo(401));
  }
}
