package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes of the lab's state record from several threads of one process. */
class LabStateUpdateTest {
  @TempDir Path dir;

  @Test
  void threadsOfOneProcessChangeTheStateOneAfterAnotherWithoutOverlappingFileLocks()
      throws Exception {
    Lab lab = Lab.at(dir);
    lab.save(new LabState("lab.yaml", "summit-lab", List.of(), null));
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    lab.update(
                        old -> {
                          java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
                          return new LabState(
                              old.config(),
                              String.valueOf(Integer.parseInt(number(old.topology())) + 1),
                              old.components(),
                              old.postgresDir());
                        });
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS); // rethrows an OverlappingFileLockException
      }
    }
    // Every change saw the one before it: none was written over.
    assertThat(lab.state().orElseThrow().topology()).isEqualTo("80");
  }

  private static String number(String topology) {
    return topology.matches("\\d+") ? topology : "0";
  }
}
