package io.summit.dr.cli;

import picocli.CommandLine;

/** The version from the runnable jar's manifest ("dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "summit-dr " + (version == null ? "dev" : version),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
