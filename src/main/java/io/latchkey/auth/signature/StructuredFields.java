package io.latchkey.auth.signature;

import io.latchkey.auth.signature.SignatureException.Reason;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slice of RFC 8941 structured fields that HTTP message signatures (RFC 9421) and digests (RFC 9530)
 * use: dictionaries whose members are byte sequences, or inner lists of strings with parameters on the
 * list, and the canonical serialisation of such an inner list. Anything else is {@link Reason#MALFORMED},
 * parameters on a member or on a list item included: none is supported, and one dropped would leave a
 * signature verifying over less than it claims to cover.
 */
final class StructuredFields {

  /** An inner list of component identifiers with its parameters, as in {@code Signature-Input}. */
  record InnerList(List<String> items, Map<String, Object> params) {

    /** Canonical RFC 8941 serialisation: what {@code @signature-params} is in the signature base. */
    String serialize() {
      StringBuilder out = new StringBuilder("(");
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(quote(items.get(i)));
      }
      out.append(')');
      params.forEach((key, value) -> {
        out.append(';').append(key);
        if (!Boolean.TRUE.equals(value)) {
          out.append('=').append(value instanceof String s ? quote(s) : value.toString());
        }
      });
      return out.toString();
    }
  }

  private final String text;
  private int pos;

  private StructuredFields(String text) {
    this.text = text;
  }

  /** {@code label=("a" "b");p=1, …} */
  static Map<String, InnerList> innerListDictionary(String header) throws SignatureException {
    StructuredFields p = new StructuredFields(header);
    Map<String, InnerList> out = new LinkedHashMap<>();
    p.skipSpaces();
    while (!p.atEnd()) {
      String label = p.key();
      p.expect('=');
      out.put(label, p.innerList());
      if (!p.nextMember()) {
        break;
      }
    }
    if (out.isEmpty()) {
      throw malformed();
    }
    return out;
  }

  /** {@code label=:base64:, …} */
  static Map<String, byte[]> byteSequenceDictionary(String header) throws SignatureException {
    StructuredFields p = new StructuredFields(header);
    Map<String, byte[]> out = new LinkedHashMap<>();
    p.skipSpaces();
    while (!p.atEnd()) {
      String label = p.key();
      p.expect('=');
      out.put(label, p.byteSequence());
      if (!p.params().isEmpty()) {
        throw new SignatureException(Reason.MALFORMED, "Parameters on '" + label + "' are not supported.");
      }
      if (!p.nextMember()) {
        break;
      }
    }
    if (out.isEmpty()) {
      throw malformed();
    }
    return out;
  }

  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private InnerList innerList() throws SignatureException {
    expect('(');
    List<String> items = new ArrayList<>();
    while (true) {
      skipInnerSpaces();
      if (peek() == ')') {
        pos++;
        break;
      }
      String item = string();
      if (!params().isEmpty()) {
        throw new SignatureException(Reason.MALFORMED,
            "Component parameters (;sf, ;bs, ;req, ;key, ...) are not supported: " + quote(item));
      }
      items.add(item);
      char next = peek();
      if (next != ' ' && next != ')') {
        throw malformed();
      }
    }
    return new InnerList(List.copyOf(items), params());
  }

  private Map<String, Object> params() throws SignatureException {
    Map<String, Object> params = new LinkedHashMap<>();
    while (!atEnd() && peek() == ';') {
      pos++;
      String key = key();
      Object value = Boolean.TRUE;
      if (!atEnd() && peek() == '=') {
        pos++;
        value = bareItem();
      }
      if (params.put(key, value) != null) {
        throw malformed();
      }
    }
    return params;
  }

  private Object bareItem() throws SignatureException {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return integer();
    }
    if (c == ':') {
      return byteSequence();
    }
    throw malformed();
  }

  private long integer() throws SignatureException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    while (!atEnd() && Character.isDigit(peek())) {
      pos++;
    }
    String digits = text.substring(start, pos);
    if (digits.isEmpty() || digits.equals("-") || digits.length() > 16) {
      throw malformed();
    }
    return Long.parseLong(digits);
  }

  private String string() throws SignatureException {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (atEnd()) {
        throw malformed();
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\') {
        if (atEnd()) {
          throw malformed();
        }
        c = text.charAt(pos++);
        if (c != '"' && c != '\\') {
          throw malformed();
        }
      } else if (c < 0x20 || c > 0x7e) {
        throw malformed();
      }
      out.append(c);
    }
  }

  private byte[] byteSequence() throws SignatureException {
    expect(':');
    int end = text.indexOf(':', pos);
    if (end < 0) {
      throw malformed();
    }
    String encoded = text.substring(pos, end);
    pos = end + 1;
    try {
      return Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
  }

  private String key() throws SignatureException {
    int start = pos;
    if (atEnd() || !(peek() == '*' || (peek() >= 'a' && peek() <= 'z'))) {
      throw malformed();
    }
    while (!atEnd()) {
      char c = peek();
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
        pos++;
      } else {
        break;
      }
    }
    return text.substring(start, pos);
  }

  /** After a member: true if a comma follows (another member), false at the end. */
  private boolean nextMember() throws SignatureException {
    skipSpaces();
    if (atEnd()) {
      return false;
    }
    expect(',');
    skipSpaces();
    if (atEnd()) {
      throw malformed();
    }
    return true;
  }

  private void expect(char c) throws SignatureException {
    if (atEnd() || text.charAt(pos) != c) {
      throw malformed();
    }
    pos++;
  }

  private char peek() throws SignatureException {
    if (atEnd()) {
      throw malformed();
    }
    return text.charAt(pos);
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private void skipSpaces() {
    while (!atEnd() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipInnerSpaces() {
    while (!atEnd() && text.charAt(pos) == ' ') {
      pos++;
    }
  }

  private static SignatureException malformed() {
    return new SignatureException(Reason.MALFORMED);
  }
}
