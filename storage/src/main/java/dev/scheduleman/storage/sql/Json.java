package dev.scheduleman.storage.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresql.util.PGobject;

/** String maps stored as {@code jsonb} objects (labels, target headers). */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP =
      new TypeReference<>() {};

  private Json() {}

  public static PGobject jsonb(Map<String, String> map) {
    try {
      PGobject value = new PGobject();
      value.setType("jsonb");
      value.setValue(MAPPER.writeValueAsString(map == null ? Map.of() : map));
      return value;
    } catch (JsonProcessingException | java.sql.SQLException e) {
      throw new IllegalStateException("a string map is always JSON", e);
    }
  }

  public static String text(Map<String, String> map) {
    try {
      return MAPPER.writeValueAsString(map == null ? Map.of() : map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map is always JSON", e);
    }
  }

  public static Map<String, String> stringMap(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      return MAPPER.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not a string map: " + json, e);
    }
  }
}
