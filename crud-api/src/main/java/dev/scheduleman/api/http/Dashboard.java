package dev.scheduleman.api.http;

import io.quarkus.vertx.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /ui} is the dashboard (static files under META-INF/resources/ui). */
public class Dashboard {

  @Route(path = "/ui", methods = Route.HttpMethod.GET)
  @Operation(hidden = true)
  void redirect(RoutingContext rc) {
    // The route also matches "/ui/", which the static files answer (index.html).
    if (rc.request().path().endsWith("/")) {
      rc.next();
      return;
    }
    rc.response().setStatusCode(302).putHeader("Location", "/ui/").end();
  }
}
