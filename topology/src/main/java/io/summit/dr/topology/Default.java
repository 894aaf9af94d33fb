package io.summit.dr.topology;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a topology field takes when the file leaves it out, written as it would be in YAML
 * ({@code "30ms"}, {@code "3"}, {@code "true"}, {@code "automatic"}). A field with neither a
 * default nor a nullable type is required.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
  String value();
}
