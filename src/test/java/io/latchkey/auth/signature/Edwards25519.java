package io.latchkey.auth.signature;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plain BigInteger arithmetic on edwards25519 (RFC 8032 §5.1: -x^2 + y^2 = 1 + d x^2 y^2 over p = 2^255 - 19),
 * written independently of the library under test, to derive the keys a validator must refuse.
 *
 * <p>The eight small-order points (the 8-torsion, SMALL_ORDER) are derived, not copied: the identity
 * (0, 1); (0, -1) of order 2; the points of order 4 are those whose double is (0, -1), i.e. y = 0, so
 * x^2 = -1 and x = ±sqrt(-1); the points of order 8 are those whose double has y = 0. Doubling on a = -1
 * gives y(2P) = (x^2 + y^2) / (2 - y^2 + x^2), zero when x^2 = -y^2; put into the curve equation:
 * d y^4 + 2 y^2 - 1 = 0, so y^2 = (-1 ± sqrt(1 + d)) / d (one sign gives a square), and x = ±sqrt(-1) y.
 * Encoded as RFC 8032 §5.1.2 does (y little-endian, the sign of x in the top bit), they are the eight
 * encodings libsodium's {@code has_small_order} and "Taming the many EdDSAs" (Chalkias et al., 2020) list.
 */
public final class Edwards25519 {

  static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  /** sqrt(-1) = 2^((p-1)/4) */
  static final BigInteger I = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

  record Point(BigInteger x, BigInteger y) {}

  static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE);

  private Edwards25519() {}

  /** The eight points of order dividing 8, derived as the class comment says. */
  static List<Point> smallOrderPoints() {
    List<Point> points = new ArrayList<>();
    points.add(IDENTITY);
    points.add(new Point(BigInteger.ZERO, P.subtract(BigInteger.ONE)));
    points.add(new Point(I, BigInteger.ZERO));
    points.add(new Point(I.negate().mod(P), BigInteger.ZERO));
    BigInteger root = sqrt(BigInteger.ONE.add(D).mod(P));
    BigInteger y2 = null;
    for (BigInteger candidate : new BigInteger[] {root.subtract(BigInteger.ONE), root.negate().subtract(BigInteger.ONE)}) {
      BigInteger value = candidate.multiply(D.modInverse(P)).mod(P);
      if (sqrt(value) != null) {
        y2 = value;
      }
    }
    BigInteger y = sqrt(y2);
    for (BigInteger ys : new BigInteger[] {y, y.negate().mod(P)}) {
      BigInteger x = I.multiply(ys).mod(P);
      points.add(new Point(x, ys));
      points.add(new Point(x.negate().mod(P), ys));
    }
    return points;
  }

  /** The RFC 8032 encodings of {@link #smallOrderPoints()}, as public keys. */
  public static List<byte[]> smallOrderEncodings() {
    Set<String> seen = new LinkedHashSet<>();
    List<byte[]> out = new ArrayList<>();
    for (Point point : smallOrderPoints()) {
      byte[] encoded = encode(point);
      if (seen.add(HexFormat.of().formatHex(encoded))) {
        out.add(encoded);
      }
    }
    return out;
  }

  static boolean onCurve(Point p) {
    BigInteger x2 = p.x.multiply(p.x);
    BigInteger y2 = p.y.multiply(p.y);
    return y2.subtract(x2).subtract(BigInteger.ONE).subtract(D.multiply(x2).multiply(y2)).mod(P).signum() == 0;
  }

  /** The complete addition law of RFC 8032 §5.1.4, in affine coordinates. */
  static Point add(Point a, Point b) {
    BigInteger t = D.multiply(a.x).multiply(b.x).multiply(a.y).multiply(b.y).mod(P);
    BigInteger x = a.x.multiply(b.y).add(a.y.multiply(b.x)).multiply(BigInteger.ONE.add(t).modInverse(P)).mod(P);
    BigInteger y = a.y.multiply(b.y).add(a.x.multiply(b.x)).multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P)).mod(P);
    return new Point(x, y);
  }

  static Point times(int n, Point p) {
    Point out = IDENTITY;
    for (int i = 0; i < n; i++) {
      out = add(out, p);
    }
    return out;
  }

  static byte[] encode(Point p) {
    byte[] out = littleEndian(p.y);
    out[31] |= (byte) (p.x.testBit(0) ? 0x80 : 0);
    return out;
  }

  /** RFC 8032 §5.1.3; {@code null} when the bytes are not a canonical encoding of a curve point. */
  static Point decode(byte[] encoded) {
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = encoded[31 - i];
    }
    boolean sign = (bigEndian[0] & 0x80) != 0;
    bigEndian[0] &= 0x7f;
    BigInteger y = new BigInteger(1, bigEndian);
    if (y.compareTo(P) >= 0) {
      return null;
    }
    BigInteger y2 = y.multiply(y);
    BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
    BigInteger x = sqrt(x2);
    if (x == null || (x.signum() == 0 && sign)) {
      return null;
    }
    if (x.testBit(0) != sign) {
      x = P.subtract(x);
    }
    return new Point(x, y);
  }

  /** 32 bytes little-endian of a value below 2^256. */
  static byte[] littleEndian(BigInteger value) {
    byte[] bigEndian = value.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < Math.min(32, bigEndian.length); i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }

  /** A square root mod p (p = 5 mod 8, RFC 8032 §5.1.3), or {@code null} if {@code a} is not a square. */
  static BigInteger sqrt(BigInteger a) {
    a = a.mod(P);
    BigInteger candidate = a.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (candidate.multiply(candidate).subtract(a).mod(P).signum() == 0) {
      return candidate;
    }
    candidate = candidate.multiply(I).mod(P);
    return candidate.multiply(candidate).subtract(a).mod(P).signum() == 0 ? candidate : null;
  }
}
