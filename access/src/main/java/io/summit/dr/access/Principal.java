package io.summit.dr.access;

/**
 * An authenticated caller: the name its access-list entry gives and its role. The name is what
 * audit logs record.
 */
public record Principal(String name, Role role) {
  public Principal {
    AccessList.requireName("name", name);
  }
}
