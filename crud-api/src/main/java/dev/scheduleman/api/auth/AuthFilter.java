package dev.scheduleman.api.auth;

import dev.scheduleman.api.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.reflect.Method;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api/v1} request carries an API key; the filter resolves it into the request's
 * {@link CurrentCaller} before any resource runs. Health, metrics and OpenAPI (under {@code /q})
 * are not resources of this API and need none. A known key then takes one request from its tenant's
 * {@code apiRequestsPerSecond} ({@link ApiRateLimit}).
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

  /** After the key is known and the method matched: does the key have what the method needs? */
  @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
  public void authorize(ContainerRequestContext request, ResourceInfo resource) {
    if (!request.getUriInfo().getPath().startsWith("/api/")
        || resource == null
        || resource.getResourceMethod() == null) {
      return;
    }
    Method method = resource.getResourceMethod();
    Caller caller = current.get();
    Requires requires = method.getAnnotation(Requires.class);
    if (requires != null) {
      if (!caller.has(requires.value())) {
        throw ProblemException.missingScope(requires.value(), caller.scopes());
      }
    } else if (method.isAnnotationPresent(Requires.AdminOnly.class)) {
      if (!caller.admin()) {
        throw ProblemException.forbidden("only the bootstrap admin key manages tenants");
      }
    } else if (!method.isAnnotationPresent(Requires.AnyKey.class)) {
      throw ProblemException.forbidden("this endpoint is not open to API keys");
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
