package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class RouterCommandTest {
  @TempDir Path dir;

  private String run(List<String> args, int[] exit) throws IOException {
    Path config = dir.resolve("lab.yaml");
    Files.copy(Path.of("../examples/lab.yaml"), config);
    List<String> all = new ArrayList<>(List.of("router", "--config", config.toString()));
    all.addAll(args);
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    exit[0] = cli.execute(all.toArray(String[]::new));
    return err.toString();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--role tower|--role: 'tower' (expected: edge or gateway)",
        "--role gateway|--region: missing",
        "--region us-east-1|--region: 'us-east-1' (expected: no --region with --role edge)",
        "--role gateway --region mars|--region: 'mars' is not a primary or secondary region",
        "--backend us-east-1:80|--backend: 'us-east-1:80' (expected: REGION=HOST:PORT)",
        "--backend mars=127.0.0.1:80|--backend: 'mars' is not a primary or secondary region",
        "--backend us-east-1=127.0.0.1:http|--backend: 'us-east-1=127.0.0.1:http'",
        "--backend us-east-1=h:1 --backend us-east-1=h:1|--backend: 'us-east-1=h:1' given twice",
        "--service web|--service: 'web' is not a service",
        "--io-threads -1|--io-threads: -1 (expected: >= 0)",
      })
  void badArgumentsExit2NamingTheOption(String args, String message) throws IOException {
    int[] exit = new int[1];
    List<String> all = new ArrayList<>(List.of(args.split(" ")));
    all.addAll(List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"));

    String err = run(all, exit);

    assertThat(exit[0]).isEqualTo(2);
    assertThat(err).contains(message);
  }

  @Test
  void aBadListenAddressExits2NamingTheOption() throws IOException {
    int[] exit = new int[1];

    String err = run(List.of("--listen", "127.0.0.1", "--admin", "127.0.0.1:0"), exit);

    assertThat(exit[0]).isEqualTo(2);
    assertThat(err).contains("--listen: '127.0.0.1' (expected: HOST:PORT)");
  }

  @Test
  void aMissingOptionExits2NamingIt() throws IOException {
    int[] exit = new int[1];

    String err = run(List.of("--admin", "127.0.0.1:0"), exit);

    assertThat(exit[0]).isEqualTo(2);
    assertThat(err).contains("--listen");
  }

  @Test
  void helpDescribesTheGatewayBackends() throws IOException {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int exit = cli.execute("router", "--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--backend=REGION=HOST:PORT").contains("gateway");
  }
}
