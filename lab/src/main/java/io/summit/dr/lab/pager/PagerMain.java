package io.summit.dr.lab.pager;

import io.summit.dr.access.AccessOptions;
import io.summit.dr.replication.Endpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code PagerMain --listen HOST:PORT --dir DIR [--access-file FILE]}: the lab's pager. */
public final class PagerMain {
  private PagerMain() {}

  public static void main(String[] args) throws Exception {
    AccessOptions access;
    Endpoint listen;
    Path dir;
    try {
      access = AccessOptions.split(List.of(args));
      List<String> rest = access.rest();
      if (rest.size() != 4 || !rest.get(0).equals("--listen") || !rest.get(2).equals("--dir")) {
        throw new IllegalArgumentException(
            "usage: PagerMain --listen HOST:PORT --dir DIR [--access-file FILE]");
      }
      listen = Endpoint.parse(rest.get(1));
      dir = Path.of(rest.get(3));
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(
            "--dir: " + dir + " is not a directory (expected: the lab's pager directory)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("pager: " + e.getMessage());
      System.exit(2);
      return;
    }
    String url = Files.readString(dir.resolve("slack.url")).strip();
    Pager.Secrets secrets =
        new Pager.Secrets(
            Files.readString(dir.resolve("pagerduty.key")).strip(),
            URI.create(url).getPath().substring("/slack/".length()),
            Files.readString(dir.resolve("webhook.token")).strip());
    try (Pager pager =
        Pager.start(
            new InetSocketAddress(listen.host(), listen.port()),
            secrets,
            dir.resolve("received.jsonl"),
            access.access().orElse(null),
            access.serverTls())) {
      System.err.println(
          "pager: listening on "
              + io.summit.dr.access.Tls.scheme(access.serverTls())
              + "://"
              + listen
              + ", keeping notices in "
              + dir);
      new CountDownLatch(1).await();
    }
  }
}
