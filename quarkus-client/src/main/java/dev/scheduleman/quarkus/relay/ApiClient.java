package dev.scheduleman.quarkus.relay;

import dev.scheduleman.quarkus.SchedulemanConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.concurrent.TimeUnit;

/** Builds the REST client from {@code scheduleman.url} and {@code scheduleman.api-key}. */
class ApiClient {

  @Produces
  @ApplicationScoped
  SchedulemanApi api(SchedulemanConfig config) {
    String authorization = "Bearer " + config.apiKey();
    long timeout = config.relay().requestTimeout().toMillis();
    return QuarkusRestClientBuilder.newBuilder()
        .baseUri(config.url())
        .connectTimeout(Math.min(timeout, 2_000), TimeUnit.MILLISECONDS)
        .readTimeout(timeout, TimeUnit.MILLISECONDS)
        .register(
            (ClientRequestFilter)
                request -> request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, authorization))
        .build(SchedulemanApi.class);
  }
}
