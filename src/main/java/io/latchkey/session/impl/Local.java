package io.latchkey.session.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The envelope of every request and reply between a {@link io.latchkey.session.SessionService} client and
 * the session verticle: the typed Java object itself, handed over by reference. These exchanges are
 * local-only (tokens never cross the cluster), so nothing is ever encoded: no JSON written, copied or
 * parsed on the way. The objects inside are immutable records (or read-only once sent).
 */
record Local(Object body) {

  static final String CODEC = "latchkey-local";

  /** Registers the pass-by-reference codec on this event bus, once however often it is called. */
  static void registerCodec(EventBus bus) {
    synchronized (Local.class) {
      try {
        bus.registerDefaultCodec(Local.class, new Codec());
      } catch (IllegalStateException alreadyRegistered) {
        // another verticle instance or client of this Vert.x registered it first
      }
    }
  }

  @SuppressWarnings("unchecked")
  <T> T as(Class<T> type) {
    if (!type.isInstance(body)) {
      throw new IllegalArgumentException("expected a " + type.getSimpleName() + " request");
    }
    return (T) body;
  }

  private static final class Codec implements MessageCodec<Local, Local> {

    @Override
    public void encodeToWire(Buffer buffer, Local local) {
      throw new UnsupportedOperationException("session requests are local-only");
    }

    @Override
    public Local decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("session requests are local-only");
    }

    @Override
    public Local transform(Local local) {
      return local;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
