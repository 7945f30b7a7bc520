package io.latchkey.session;

/** Who asked for a change: recorded with every revocation ({@code sessions.revoked_by}). */
public enum Actor {
  /** The session's own user (logout, log out everywhere, revoking one of their devices). */
  USER,
  /** An operator holding an admin key. */
  ADMIN,
  /** A trusted service holding an internal key. */
  INTERNAL,
  /** The service itself (expiry, a disabled or erased account). */
  SYSTEM;

  /** The name stored and shown: lower case. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
