package io.latchkey.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops one known, harmless warning, and only for the meters it is known for: vertx-micrometer-metrics
 * registers its event-bus gauges again each time a consumer is registered ({@code vertx.eventbus.handlers})
 * and each time a message arrives ({@code vertx.eventbus.pending}), and its net-client gauge each time a
 * connection opens ({@code vertx.net.client.active.connections}: every PostgreSQL connection after the first,
 * the invalidation feed's own included); Micrometer returns the gauge already registered (the values stay
 * right: Vert.x keeps one counter per meter id) but warns "This Gauge has been already registered" the first
 * time, at every start. Any other meter's double registration is still logged.
 */
public final class VertxGaugeWarningFilter extends TurboFilter {

  private static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  private static final String VERTX_EVENT_BUS_GAUGE = "name='vertx.eventbus.";
  private static final String VERTX_NET_CLIENT_GAUGE = "name='vertx.net.client.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == Level.WARN && format != null && LOGGER.equals(logger.getName())
        && format.startsWith("This Gauge has been already registered")
        && (format.contains(VERTX_EVENT_BUS_GAUGE) || format.contains(VERTX_NET_CLIENT_GAUGE))) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
