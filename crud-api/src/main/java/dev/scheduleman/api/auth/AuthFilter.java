package dev.scheduleman.api.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api/v1} request carries an API key; the filter resolves it into the request's
 * {@link CurrentCaller} before any resource runs. Health, metrics and OpenAPI (under {@code /q})
 * are not resources of this API and need none.
 */
public class AuthFilter {

  private final Authentication authentication;
  private final CurrentCaller current;

  public AuthFilter(Authentication authentication, CurrentCaller current) {
    this.authentication = authentication;
    this.current = current;
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public void authenticate(ContainerRequestContext request) {
    if (request.getUriInfo().getPath().startsWith("/api/")) {
      current.set(authentication.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION)));
    }
  }

  /** The caller of the current request. */
  @RequestScoped
  public static class CurrentCaller {
    private Caller caller;

    void set(Caller caller) {
      this.caller = caller;
    }

    public Caller get() {
      if (caller == null) {
        throw new IllegalStateException("no authenticated caller in this request");
      }
      return caller;
    }
  }
}
