package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The runnable jar's log lines: JSON for files and containers, a short line on a terminal. */
class LogEncoderTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void clear() {
    System.clearProperty("summit.log");
    MDC.clear();
  }

  private Logger logger(String format) {
    System.setProperty("summit.log", format);
    // the context SLF4J is bound to: its MDC is the one org.slf4j.MDC writes
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    Logger log = context.getLogger("test." + format + "." + System.nanoTime() + ".Events");
    log.setAdditive(false);
    log.addAppender(appender);
    return log;
  }

  @Test
  void jsonUnlessStandardErrorIsATerminalOrTheSettingSaysOtherwise() {
    assertThat(LogEncoder.json(null, false)).isTrue();
    assertThat(LogEncoder.json(null, true)).isFalse();
    assertThat(LogEncoder.json("", true)).isFalse();
    assertThat(LogEncoder.json("JSON", true)).isTrue();
    assertThat(LogEncoder.json("text", false)).isFalse();
    assertThat(LogEncoder.json("yaml", false)).isTrue(); // an unknown setting: the default
  }

  @Test
  void aJsonLineCarriesThePlanStepRegionAndStoreAndTheEventsKeyValuePairs() throws Exception {
    Logger log = logger("json");
    MDC.put("plan", "failover-1");
    MDC.put("step", "promote/postgres");
    MDC.put("region", "us-east-1");
    MDC.put("store", "postgres");

    log.atInfo()
        .addKeyValue("event", "step-running")
        .addKeyValue("event_id", 7L)
        .log("event {} {}", "step-running", "{plan=failover-1}");

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(text);
    assertThat(line.get("message").asText()).isEqualTo("event step-running {plan=failover-1}");
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("logger_name").asText()).startsWith("test.json.").endsWith(".Events");
    assertThat(line.get("@timestamp").asText()).isNotEmpty();
    assertThat(line.get("plan").asText()).isEqualTo("failover-1");
    assertThat(line.get("step").asText()).isEqualTo("promote/postgres");
    assertThat(line.get("region").asText()).isEqualTo("us-east-1");
    assertThat(line.get("store").asText()).isEqualTo("postgres");
    assertThat(line.get("event").asText()).isEqualTo("step-running");
    assertThat(line.get("event_id").asLong()).isEqualTo(7L);
    assertThat(line.get("app").asText()).isEqualTo("summit-dr");
  }

  @Test
  void anEventLoggedOnAStepsThreadNamesEachFieldOnce() throws Exception {
    Logger events = logger("json");
    Logger real =
        ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
            .getLogger(io.summit.dr.orchestrator.Events.class);
    events.iteratorForAppenders().forEachRemaining(real::addAppender);
    try {
      MDC.put("plan", "failover-1");
      MDC.put("step", "fence/postgres");
      MDC.put("region", "us-west-2");

      new io.summit.dr.orchestrator.Events(java.time.Clock.systemUTC())
          .publish(
              "step-running",
              java.util.Map.of("plan", "failover-1", "step", "fence/postgres", "region", "x"));
    } finally {
      real.detachAndStopAllAppenders();
    }

    JsonNode line =
        new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(line.get("event").asText()).isEqualTo("step-running");
    assertThat(line.get("plan").asText()).isEqualTo("failover-1");
    assertThat(line.get("region").asText()).isEqualTo("us-west-2");
    assertThat(line.get("event_region").asText()).isEqualTo("x");
  }

  @Test
  void aTextLineIsTimeLevelLoggerAndMessage() {
    Logger log = logger("text");
    MDC.put("plan", "failover-1");

    log.atWarn().addKeyValue("event", "x").log("fence/postgres: no answer");

    assertThat(out.toString(StandardCharsets.UTF_8))
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Events: fence/postgres: no answer\\n");
  }
}
