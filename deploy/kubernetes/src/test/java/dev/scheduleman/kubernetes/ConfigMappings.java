package dev.scheduleman.kubernetes;

import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** The property names a {@code @ConfigMapping} interface reads, as SmallRye Config names them. */
final class ConfigMappings {

  private ConfigMappings() {}

  static List<String> names(Class<?> mapping, String prefix) {
    List<String> names = new ArrayList<>();
    for (Method method : mapping.getDeclaredMethods()) {
      if (method.getParameterCount() != 0
          || Modifier.isStatic(method.getModifiers())
          || method.isDefault()) {
        continue;
      }
      WithName withName = method.getAnnotation(WithName.class);
      String name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
      Class<?> type = method.getReturnType();
      if (type.isInterface() && type.getDeclaringClass() == mapping) {
        names.addAll(names(type, name));
      } else {
        names.add(name);
      }
    }
    return names;
  }

  private static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
