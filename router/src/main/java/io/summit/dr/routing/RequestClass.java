package io.summit.dr.routing;

/** Whether a request may be served by any healthy region (a read) or only by the writer region. */
public enum RequestClass {
  READ,
  WRITE;

  /** The label used in metrics and logs: {@code read} or {@code write}. */
  public String label() {
    return this == READ ? "read" : "write";
  }
}
