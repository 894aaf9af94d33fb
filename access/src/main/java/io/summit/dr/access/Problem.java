package io.summit.dr.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer as RFC 9457 {@code application/problem+json}: {@code type} (about:blank), {@code
 * title} (the status's reason phrase), {@code status}, {@code detail} (what is wrong, naming the
 * field, with what was expected), and the extension members given. {@code error} repeats the detail
 * for clients written before the problem format.
 */
public final class Problem {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Problem() {}

  /** The problem document of {@code status} with {@code detail} and {@code extensions}. */
  public static Map<String, Object> of(int status, String detail, Map<String, ?> extensions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title(status));
    body.put("status", status);
    body.put("detail", detail);
    body.put("error", detail);
    extensions.forEach(
        (k, v) -> {
          if (!body.containsKey(k)) {
            body.put(k, v);
          }
        });
    return body;
  }

  /** Answers {@code res} with the problem (Helidon's response; sent, so the exchange ends). */
  public static void send(
      io.helidon.webserver.http.ServerResponse res,
      int status,
      String detail,
      Map<String, ?> extensions) {
    byte[] bytes;
    try {
      bytes =
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(of(status, detail, extensions));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("problem: cannot write " + detail, e);
    }
    res.status(io.helidon.http.Status.create(status));
    res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
    res.send(bytes);
  }

  /** The reason phrase of {@code status} (RFC 9110), "Error" for one not listed. */
  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status >= 500 ? "Server Error" : "Error";
    };
  }
}
