package io.summit.dr.deploy.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the topology does not say about a Kubernetes deployment: the namespace every resource goes
 * to and where the container images come from ({@code registry/<component>:tag}).
 *
 * @param namespace a DNS label, e.g. {@code summit}
 * @param registry the image repository prefix, e.g. {@code registry.example.com/summit}
 * @param tag the image tag of every component
 */
public record RenderOptions(String namespace, String registry, String tag) {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REGISTRY = Pattern.compile("[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?");

  /** The namespace {@code summit}, images {@code summit/<component>:0.1.0}. */
  public static RenderOptions defaults() {
    return new RenderOptions("summit", "summit", "0.1.0");
  }

  public RenderOptions {
    List<String> problems = new ArrayList<>();
    check(problems, DNS_LABEL, "namespace", namespace, "a DNS label: a-z, 0-9 and -, 1..63");
    check(problems, REGISTRY, "registry", registry, "an image repository such as host/path");
    check(problems, TAG, "tag", tag, "an image tag: letters, digits, _ . -, at most 128");
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The image of a component. */
  String image(String component) {
    return registry + "/" + component + ":" + tag;
  }

  private static void check(
      List<String> problems, Pattern pattern, String field, String value, String expected) {
    if (!pattern.matcher(value).matches()) {
      problems.add(field + ": '" + value + "' (expected: " + expected + ")");
    }
  }
}
