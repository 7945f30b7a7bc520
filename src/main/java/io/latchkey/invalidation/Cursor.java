package io.latchkey.invalidation;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A position in the invalidation stream: every revocation at or before it has been delivered. Opaque to
 * clients: base64url (no padding) of a version byte, the stream's id (which database issued it), and the
 * revocation log's {@code (xid, seq)}, the writing transaction's id and the entry's sequence number. Entries
 * are delivered in {@code (xid, seq)} order, and only once their transaction has finished (see
 * {@link InvalidationFeed}), so a later commit can never land behind a cursor already handed out.
 *
 * <p>{@code seq} 0 (before any entry of the transaction) is a head: "everything of transactions below
 * {@code xid}".
 */
public record Cursor(long streamId, long xid, long seq) implements Comparable<Cursor> {

  private static final byte VERSION = 1;
  private static final int BYTES = 1 + 3 * Long.BYTES;
  /** The length of every encoded cursor. */
  public static final int LENGTH = (BYTES * 8 + 5) / 6;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  public Cursor {
    if (xid < 0 || seq < 0) {
      throw new IllegalArgumentException("a cursor's xid and seq are not negative");
    }
  }

  /** The position before every entry of transactions from {@code xid} on. */
  public static Cursor head(long streamId, long xid) {
    return new Cursor(streamId, xid, 0);
  }

  /**
   * Reads an encoded cursor.
   *
   * @throws IllegalArgumentException when the text is not exactly a cursor this version wrote
   */
  public static Cursor parse(String text) {
    if (text == null || text.length() != LENGTH) {
      throw new IllegalArgumentException("not a cursor");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a cursor");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length != BYTES || buffer.get() != VERSION) {
      throw new IllegalArgumentException("not a cursor");
    }
    Cursor cursor = new Cursor(buffer.getLong(), buffer.getLong(), buffer.getLong());
    // one text per cursor: the decoder ignores the unused low bits of the last character
    if (!cursor.encode().equals(text)) {
      throw new IllegalArgumentException("not a cursor");
    }
    return cursor;
  }

  public String encode() {
    return ENCODER.encodeToString(ByteBuffer.allocate(BYTES).put(VERSION).putLong(streamId).putLong(xid).putLong(seq)
        .array());
  }

  /** Orders by {@code (xid, seq)}; only meaningful between cursors of one stream. */
  @Override
  public int compareTo(Cursor other) {
    int byXid = Long.compare(xid, other.xid);
    return byXid != 0 ? byXid : Long.compare(seq, other.seq);
  }

  public boolean isAfter(Cursor other) {
    return compareTo(other) > 0;
  }

  public boolean sameStream(Cursor other) {
    return streamId == other.streamId;
  }

  public static Cursor max(Cursor a, Cursor b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public String toString() {
    return encode();
  }
}
