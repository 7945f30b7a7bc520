package io.latchkey.account;

import java.util.Optional;

/** The kinds of identity an account can hold; the wire and database name is {@link #wireName()}. */
public enum IdentityKind {
  EMAIL("email"),
  TELEGRAM("telegram");

  private final String wireName;

  IdentityKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<IdentityKind> fromWire(String name) {
    for (IdentityKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
