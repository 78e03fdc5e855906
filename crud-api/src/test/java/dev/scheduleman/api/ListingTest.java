package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static dev.scheduleman.api.Api.cronSchedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ListingTest {

  private String key;

  @BeforeEach
  void newTenant() {
    key = Api.newTenant();
  }

  @Test
  void threePagesNeitherRepeatNorSkipWhileSchedulesAreInsertedConcurrently() throws Exception {
    List<String> existing = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      existing.add(create(key, cronSchedule("s" + i)));
    }
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<List<String>> inserted =
        writer.submit(
            () -> {
              List<String> ids = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                ids.add(create(key, cronSchedule("late" + i)));
              }
              return ids;
            });

    Set<String> seen = new LinkedHashSet<>();
    List<String> order = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var request = as(key).queryParam("limit", 10);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      JsonPath page = request.get("/api/v1/schedules").then().statusCode(200).extract().jsonPath();
      List<String> ids = page.getList("items.id");
      order.addAll(ids);
      seen.addAll(ids);
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 20);
    List<String> late = inserted.get(30, TimeUnit.SECONDS);
    writer.shutdownNow();

    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(order).hasSameSizeAs(seen); // no repeats
    assertThat(seen).containsAll(existing); // nothing that existed before is skipped
    assertThat(order).isSortedAccordingTo(String::compareTo); // creation order, stable
    assertThat(late).containsAll(order.stream().filter(id -> !existing.contains(id)).toList());
  }

  @Test
  void filtersByStateLabelAndNamePrefix() {
    as(key)
        .body(
            cronSchedule("billing-nightly")
                .replace("{\"name\"", "{\"labels\": {\"team\": \"billing\"}, \"name\""))
        .post("/api/v1/schedules")
        .then()
        .statusCode(201);
    String paused = create(key, cronSchedule("billing-weekly"));
    create(key, cronSchedule("ops-cleanup"));
    as(key).post("/api/v1/schedules/" + paused + "/pause").then().statusCode(200);

    as(key)
        .queryParam("name", "billing")
        .get("/api/v1/schedules")
        .then()
        .body("items", hasSize(2))
        .body("nextCursor", nullValue());
    as(key)
        .queryParam("label", "team:billing")
        .get("/api/v1/schedules")
        .then()
        .body("items", hasSize(1))
        .body("items[0].name", equalTo("billing-nightly"));
    as(key)
        .queryParam("state", "paused")
        .get("/api/v1/schedules")
        .then()
        .body("items", hasSize(1))
        .body("items[0].id", equalTo(paused));
    as(key)
        .queryParam("state", "ACTIVE")
        .queryParam("name", "ops")
        .get("/api/v1/schedules")
        .then()
        .body("items", hasSize(1));
  }
}
