package io.summit.dr.cli;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import org.jspecify.annotations.Nullable;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Every process of the runnable jar logs through this encoder: one JSON object per line
 * (logstash-logback-encoder: time, level, logger, thread, message, the MDC's {@code plan}, {@code
 * step}, {@code region}, {@code store} and an event's key-value pairs, and the stack trace) when
 * its standard error is not a terminal (the lab's daemons, whose output goes to files; a container
 * on Kubernetes), and a short human line when it is. {@code SUMMIT_DR_LOG=json|text} (or the system
 * property {@code summit.log}) chooses instead.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  /** The human line: time, level, logger, message (which says what the key-value pairs hold). */
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

  private @Nullable Encoder<ILoggingEvent> delegate;

  /** Whether this process writes JSON: the setting, else whether standard error is a file. */
  static boolean json(@Nullable String setting, boolean stderrIsTerminal) {
    if (setting != null && !setting.isBlank()) {
      String s = setting.strip().toLowerCase(Locale.ROOT);
      if (s.equals("json")) {
        return true;
      }
      if (s.equals("text")) {
        return false;
      }
    }
    return !stderrIsTerminal;
  }

  /** Standard error of this process is a terminal (Linux: fd 2 is a tty or pseudo-terminal). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  private static @Nullable String setting() {
    String p = System.getProperty("summit.log");
    return p != null ? p : System.getenv("SUMMIT_DR_LOG");
  }

  @Override
  public void start() {
    // java.util.logging's records (gRPC's, under jetcd) into the same lines
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    Encoder<ILoggingEvent> d;
    if (json(setting(), stderrIsTerminal())) {
      LogstashEncoder e = new LogstashEncoder();
      e.setCustomFields("{\"app\":\"summit-dr\"}");
      d = e;
    } else {
      PatternLayoutEncoder e = new PatternLayoutEncoder();
      e.setPattern(PATTERN);
      d = e;
    }
    d.setContext(getContext());
    d.start();
    delegate = d;
    super.start();
  }

  @Override
  public void stop() {
    Encoder<ILoggingEvent> d = delegate;
    if (d != null) {
      d.stop();
    }
    super.stop();
  }

  private Encoder<ILoggingEvent> delegate() {
    Encoder<ILoggingEvent> d = delegate;
    if (d == null) {
      throw new IllegalStateException("LogEncoder: not started");
    }
    return d;
  }

  @Override
  public byte[] headerBytes() {
    return delegate().headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate().encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate().footerBytes();
  }
}
