package io.summit.dr.orchestrator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 5 of issue 12: the journal must neither lose nor wedge a plan. */
class FileJournalTest {
  private static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("journal.jsonl");
  }

  private static JournalEntry stepStart(String step) {
    return JournalEntry.step("p1", "step-start", AT, step, null);
  }

  private void writeTwoEntries() {
    try (FileJournal j = FileJournal.open(file())) {
      j.append(stepStart("stop-writes"));
      j.append(stepStart("fence/postgres"));
    }
  }

  @Test
  void tornLastJournalEntryIsRepaired() throws Exception {
    writeTwoEntries();
    // A crash in the middle of the third append: half a line, no newline.
    Files.writeString(file(), "{\"plan\":\"p1\",\"event\":\"step-st", StandardOpenOption.APPEND);

    try (FileJournal j = FileJournal.open(file())) {
      assertThat(j.read())
          .extracting(JournalEntry::step)
          .containsExactly("stop-writes", "fence/postgres");
      j.append(stepStart("check-rpo/postgres"));
      // The next append starts on its own line instead of being glued to the torn one.
      assertThat(j.read())
          .extracting(JournalEntry::step)
          .containsExactly("stop-writes", "fence/postgres", "check-rpo/postgres");
    }
    assertThat(Files.readAllLines(file(), StandardCharsets.UTF_8)).hasSize(3);
  }

  @Test
  void corruptJournalEntryStopsStartUpWithItsLine() throws Exception {
    writeTwoEntries();
    List<String> lines = Files.readAllLines(file(), StandardCharsets.UTF_8);
    Files.write(
        file(), List.of(lines.get(0), "{\"plan\":\"p1\",\"event\":\"nonsense\"", lines.get(1)));

    assertThatThrownBy(() -> FileJournal.open(file()))
        .isInstanceOf(JournalException.class)
        .hasMessageStartingWith(file() + ":2: corrupt journal entry")
        .hasMessageContaining("expected: one JSON journal entry per line");
  }

  @Test
  void anEntryMissingWhatItsEventNeedsIsCorruptToo() throws Exception {
    Files.writeString(
        file(), "{\"plan\":\"p1\",\"event\":\"step-end\",\"at\":\"2026-11-30T12:00:00Z\"}\n");

    assertThatThrownBy(() -> FileJournal.open(file()))
        .isInstanceOf(JournalException.class)
        .hasMessageStartingWith(file() + ":1: corrupt journal entry")
        .hasMessageContaining("step-end");
  }

  @Test
  void secondOrchestratorOnOneStateDirectoryIsRefused() {
    try (FileJournal first = FileJournal.open(file())) {
      assertThatThrownBy(() -> FileJournal.open(file()))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("locked by another orchestrator")
          .hasMessageContaining("one orchestrator per state directory");
      first.append(stepStart("stop-writes"));
    }
    // Closed: the next one may open it.
    try (FileJournal next = FileJournal.open(file())) {
      assertThat(next.read()).hasSize(1);
    }
  }
}
