package dev.scheduleman.api.config;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The OpenAPI document's header: every operation needs a Bearer API key. */
@OpenAPIDefinition(
    info = @Info(title = "Scheduleman API", version = "1"),
    security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(
    securitySchemeName = "apiKey",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "An API key (sk_…) as a Bearer token")
public class OpenApiDefinition extends Application {}
