package io.summit.dr.lab.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.Login;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.redis.RedisAdapter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A managed Redis's login (an ACL user with a password, as ElastiCache RBAC gives the control
 * plane) against a real redis-server whose default user is off: the adapter gets in with the user
 * and password and is refused without them or with a wrong password.
 */
class StoreLoginTest {
  @TempDir Path dir;
  private Process redis;
  private Endpoint at;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    at = Endpoint.parse("127.0.0.1:" + port);
    redis =
        new ProcessBuilder(
                List.of(
                    "redis-server",
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--dir",
                    dir.toString(),
                    "--user",
                    "default",
                    "off",
                    "--user",
                    "summit",
                    "on",
                    ">a-password-of-the-ecs-secret",
                    "~*",
                    "+@all"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!listening(port)) {
      assertThat(redis.isAlive()).as("redis-server running (see redis.log)").isTrue();
      assertThat(System.nanoTime()).as("redis-server listening within 10 s").isLessThan(until);
      Thread.sleep(20);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @AfterEach
  void stop() throws Exception {
    redis.destroy();
    redis.waitFor(10, TimeUnit.SECONDS);
  }

  private StoreObservation observe(Login login) {
    try (RedisAdapter a =
        new RedisAdapter(
            "redis@test", at, Clock.systemUTC(), Duration.ofSeconds(2), e -> e, login)) {
      return a.observe();
    }
  }

  @Test
  void theAclUserAndItsPasswordGetInAndNoOtherLoginDoes() {
    StoreObservation in = observe(new Login("summit", "a-password-of-the-ecs-secret", false, null));
    StoreObservation lab = observe(Login.LAB);
    StoreObservation wrong = observe(new Login("summit", "another-password", false, null));

    assertThat(in.reachable()).isTrue();
    assertThat(in.role()).isEqualTo(StoreRole.PRIMARY);
    assertThat(lab.reachable()).as("the lab's login: no credentials").isFalse();
    assertThat(wrong.reachable()).isFalse();
  }
}
