package io.summit.dr.drill;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.TestLabs;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One lab of {@code examples/lab.yaml} for the drill test classes that need no other topology:
 * started by the first class that asks for a {@link Lab} parameter ({@code @ExtendWith(SharedLab
 * .class)} and {@code @BeforeAll void up(Lab lab)}), taken down when the test run ends (JUnit
 * closes what the root store holds). Every drill prepares the lab it is given (the writer back in
 * its home region, killed components restarted, cut links healed), so a class needs no lab of its
 * own: sharing one saves the suite a lab's start and stop (the start alone took 38.6 s in a CI
 * run).
 */
final class SharedLab implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedLab.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class)
        .lab();
  }

  /** The lab while it runs; closed (taken down, its logs kept) at the end of the run. */
  record Running(Lab lab) implements AutoCloseable {
    static Running start() {
      try {
        Lab lab = TestLabs.prepare("drill-test");
        lab.up(TestLabs.config(lab), System.out::println);
        return new Running(lab);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      TestLabs.down(lab);
    }
  }
}
