package dev.scheduleman.storage.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PGobject;

/**
 * A tenant's retired signing secrets as stored in {@code tenant.retired_signing_secrets}: {@code
 * [{"secret": "whsec_…", "expiresAt": "…Z"}]}.
 */
public final class RetiredSecrets {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<Map<String, String>>> MAP_LIST = new TypeReference<>() {};

  private RetiredSecrets() {}

  public static PGobject jsonb(List<TenantRow.RetiredSecret> secrets) {
    List<Map<String, String>> list =
        secrets.stream()
            .map(r -> Map.of("secret", r.secret(), "expiresAt", r.expiresAt().toString()))
            .toList();
    try {
      PGobject value = new PGobject();
      value.setType("jsonb");
      value.setValue(MAPPER.writeValueAsString(list));
      return value;
    } catch (JsonProcessingException | SQLException e) {
      throw new IllegalStateException("a list of string maps is always JSON", e);
    }
  }

  public static List<TenantRow.RetiredSecret> parse(String json) {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      return MAPPER.readValue(json, MAP_LIST).stream()
          .map(m -> new TenantRow.RetiredSecret(m.get("secret"), Instant.parse(m.get("expiresAt"))))
          .toList();
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("stored retired secrets are not a list of secrets", e);
    }
  }
}
